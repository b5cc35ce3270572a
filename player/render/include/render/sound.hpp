#pragma once
// Film sound. A film whose slide has `audio` on decodes its sound on its
// decoder's thread into a FilmSound: a ring of about two seconds of 48 kHz
// stereo 16-bit samples, each run stamped with the film's own time. The
// screen's one sound device (SoundOut, SDL audio) plays the sound of the
// film on screen, at the group's volume, and never while the group's quiet
// hours say so. While a film sounds, what the device has played is the
// film's clock (FilmSound::clock): the pictures follow the sound, as in
// FFmpeg's ffplay, so the two stay together over a long film.
//
// Threading: push()/end() on the decoder's thread, pull() on SDL's audio
// thread, the rest on any thread.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace signage::render {

class FilmSound {
  public:
    using Clock = std::chrono::steady_clock;
    static constexpr int kRate = 48000;
    static constexpr int kChannels = 2;

    explicit FilmSound(double seconds = 2.0);

    // Decoder thread. Room for how many sample frames (one per channel).
    std::size_t room() const;
    // Appends `frames` sample frames whose first is due at film time `t`.
    // Samples for times already played are dropped; a gap is filled with
    // silence.
    void push(const std::int16_t* samples, std::size_t frames, double t);
    // Seconds of sound queued, not yet played.
    double buffered() const;

    // Audio thread: fills `out` (interleaved S16, `frames` sample frames)
    // at `gain` (0..1), silence where nothing is queued; the clock moves on
    // by `frames` either way. `latency` is how long the device takes to
    // play what it was given before (its buffer).
    void pull(std::int16_t* out, std::size_t frames, float gain, Clock::duration latency);

    // The film time heard at `now`; nullopt before the device first asked.
    std::optional<double> clock(Clock::time_point now) const;

  private:
    mutable std::mutex mu_;
    std::vector<std::int16_t> ring_;  // kChannels samples a frame
    std::size_t read_ = 0;            // in frames
    std::size_t count_ = 0;           // frames queued
    double read_t_ = 0;               // the film time of the frame at read_
    bool started_ = false;            // the device has asked once
    double heard_t_ = 0;              // the film time heard at heard_at_
    Clock::time_point heard_at_{};
};

// The screen's sound device. Films sound only when it could be opened (a
// screen with no sound card, or a headless test, plays films silently and
// says so once in the log).
class SoundOut {
  public:
    // Opens the default device; nullptr (logged) when there is none.
    static std::unique_ptr<SoundOut> open();
    ~SoundOut();
    SoundOut(const SoundOut&) = delete;
    SoundOut& operator=(const SoundOut&) = delete;

    // What plays now: a film's sound, or nothing (nullptr).
    void play(std::shared_ptr<FilmSound> sound);
    // 0..100, the group's volume.
    void set_volume(int volume);
    // Quiet hours: nothing is heard while muted (the film's clock goes on).
    void set_muted(bool muted);
    bool muted() const { return muted_.load(); }
    int volume() const { return volume_.load(); }
    std::string device_name() const { return name_; }

  private:
    SoundOut() = default;
    static void callback(void* self, std::uint8_t* stream, int len);

    std::uint32_t device_ = 0;
    std::string name_;
    int samples_ = 0;  // the device's buffer, in sample frames
    std::mutex mu_;
    std::shared_ptr<FilmSound> sound_;
    std::atomic<int> volume_{60};
    std::atomic<bool> muted_{false};
};

}  // namespace signage::render
