// video: an uploaded film (public-service ads are mostly 15–120 s films),
// contained or cover-cropped in the main zone, with an optional caption band.
// It plays to its end (the slide lasts the film: the server sets duration_s
// to the film's length, rounded up) or loops for duration_s; its sound is off
// unless `audio` is on.
#include "slide_read.hpp"
#include "slide_types/types.hpp"

namespace signage::protocol::types {

namespace {

Status parse_video(const nlohmann::json& j, const std::string& path, const SlideParseOptions& opt,
                   Slide& s) {
    using namespace slide_read;
    if (auto st = read_picture(j, path, opt, "a video slide", s); !st) return st;
    std::string play;
    if (auto st = read_choice(j, "play", path, {"to_end", "loop"}, play); !st) return st;
    if (!play.empty()) s.play = play == "loop" ? VideoPlay::loop : VideoPlay::to_end;
    return read_bool(j, "audio", path, s.audio);
}

}  // namespace

SlideTypeSpec video() {
    SlideTypeSpec t;
    t.type = SlideType::video;
    t.name = "video";
    t.label = {"视频", "Video"};
    t.hint = {"公益短片等视频：默认播完整部影片，时长按影片计；选“循环”则按播放时长循环播放。",
              "A film, such as a public-service ad: by default it plays to its end and the slide "
              "lasts the film; with “loop” it repeats for the duration."};
    FieldSpec media = make_field("media", FieldKind::video, {"视频", "Film"}, true);
    FieldSpec play = make_field("play", FieldKind::choice, {"播放方式", "Play"});
    play.choices = {{"to_end", {"播完整部影片", "to the end"}},
                    {"loop", {"按时长循环", "loop for the duration"}}};
    play.default_value = "to_end";
    FieldSpec audio = make_field("audio", FieldKind::boolean, {"播放声音", "Sound"});
    audio.default_value = "false";
    t.fields = {std::move(media), fit_field(), std::move(play), std::move(audio),
                text_field("caption", {"视频说明", "Caption"}, SlideLimits::caption_chars)};
    t.parse = parse_video;
    t.to_json = [](const Slide& s, nlohmann::json& j) {
        slide_read::picture_to_json(s, j);
        j["play"] = to_string(s.play);
        j["audio"] = s.audio;
    };
    t.text_fields = picture_text_fields;
    t.media = picture_media;
    return t;
}

}  // namespace signage::protocol::types
