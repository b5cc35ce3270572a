#include "render/sound.hpp"

#include <SDL.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include <spdlog/spdlog.h>

namespace signage::render {

namespace {

constexpr double kRate = FilmSound::kRate;
constexpr std::size_t kChannels = FilmSound::kChannels;

}  // namespace

FilmSound::FilmSound(double seconds)
    : ring_(static_cast<std::size_t>(std::max(0.1, seconds) * kRate) * kChannels) {}

std::size_t FilmSound::room() const {
    std::lock_guard lock(mu_);
    return ring_.size() / kChannels - count_;
}

double FilmSound::buffered() const {
    std::lock_guard lock(mu_);
    return static_cast<double>(count_) / kRate;
}

void FilmSound::push(const std::int16_t* samples, std::size_t frames, double t) {
    std::lock_guard lock(mu_);
    const std::size_t capacity = ring_.size() / kChannels;
    const double end_t = read_t_ + static_cast<double>(count_) / kRate;
    // Already played (or queued): drop those samples.
    if (t < end_t) {
        const auto skip = static_cast<std::size_t>(std::llround((end_t - t) * kRate));
        if (skip >= frames) return;
        samples += skip * kChannels;
        frames -= skip;
        t = end_t;
    }
    // A gap (a film whose sound starts late, or a lost packet): silence.
    auto gap = static_cast<std::size_t>(std::llround((t - end_t) * kRate));
    gap = std::min(gap, capacity - count_);
    for (std::size_t i = 0; i < gap; ++i) {
        const std::size_t at = (read_ + count_) % capacity;
        std::fill_n(ring_.begin() + static_cast<std::ptrdiff_t>(at * kChannels), kChannels, 0);
        ++count_;
    }
    frames = std::min(frames, capacity - count_);
    for (std::size_t i = 0; i < frames; ++i) {
        const std::size_t at = (read_ + count_) % capacity;
        std::memcpy(&ring_[at * kChannels], samples + i * kChannels,
                    kChannels * sizeof(std::int16_t));
        ++count_;
    }
}

void FilmSound::pull(std::int16_t* out, std::size_t frames, float gain, Clock::duration latency) {
    const auto now = Clock::now();
    std::lock_guard lock(mu_);
    const std::size_t capacity = ring_.size() / kChannels;
    const std::size_t have = std::min(frames, count_);
    const auto scale = static_cast<std::int32_t>(std::lround(std::clamp(gain, 0.0F, 1.0F) * 256));
    for (std::size_t i = 0; i < have; ++i) {
        const std::int16_t* in = &ring_[((read_ + i) % capacity) * kChannels];
        for (std::size_t c = 0; c < kChannels; ++c) {
            out[i * kChannels + c] = static_cast<std::int16_t>((in[c] * scale) / 256);
        }
    }
    std::fill(out + have * kChannels, out + frames * kChannels, std::int16_t{0});
    read_ = (read_ + have) % capacity;
    count_ -= have;
    // What the device plays from now on, after what it holds already.
    heard_t_ = read_t_ - std::chrono::duration<double>(latency).count();
    heard_at_ = now;
    started_ = true;
    // The clock moves on whether or not there was sound to play.
    read_t_ += static_cast<double>(frames) / kRate;
}

std::optional<double> FilmSound::clock(Clock::time_point now) const {
    std::lock_guard lock(mu_);
    if (!started_) return std::nullopt;
    const double t = heard_t_ + std::chrono::duration<double>(now - heard_at_).count();
    return std::max(0.0, std::clamp(t, heard_t_, read_t_));
}

// ------------------------------------------------------------------ SoundOut

std::unique_ptr<SoundOut> SoundOut::open() {
    if (SDL_WasInit(SDL_INIT_AUDIO) == 0 && SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
        spdlog::warn("sound: no sound device ({}); films play without sound", SDL_GetError());
        return nullptr;
    }
    std::unique_ptr<SoundOut> out(new SoundOut());
    SDL_AudioSpec want{};
    want.freq = FilmSound::kRate;
    want.format = AUDIO_S16SYS;
    want.channels = FilmSound::kChannels;
    want.samples = 1024;
    want.callback = &SoundOut::callback;
    want.userdata = out.get();
    SDL_AudioSpec have{};
    out->device_ = SDL_OpenAudioDevice(nullptr, 0, &want, &have, 0);
    if (out->device_ == 0) {
        spdlog::warn("sound: the sound device cannot be opened ({}); films play without sound",
                     SDL_GetError());
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
        return nullptr;
    }
    out->samples_ = have.samples;
    const char* driver = SDL_GetCurrentAudioDriver();
    out->name_ = driver ? driver : "?";
    spdlog::info("sound: {} at {} Hz, {} channels, {} samples a buffer", out->name_, have.freq,
                 static_cast<int>(have.channels), have.samples);
    SDL_PauseAudioDevice(out->device_, 0);
    return out;
}

SoundOut::~SoundOut() {
    if (device_ != 0) SDL_CloseAudioDevice(device_);
    SDL_QuitSubSystem(SDL_INIT_AUDIO);
}

void SoundOut::play(std::shared_ptr<FilmSound> sound) {
    // Swapped under the device's lock, so the callback never sees it half set.
    SDL_LockAudioDevice(device_);
    {
        std::lock_guard lock(mu_);
        sound_.swap(sound);
    }
    SDL_UnlockAudioDevice(device_);
    // The old sound (if last held here) is released outside the lock.
}

void SoundOut::set_volume(int volume) {
    volume_ = std::clamp(volume, 0, 100);
}

void SoundOut::set_muted(bool muted) {
    if (muted_.exchange(muted) != muted) {
        spdlog::info("sound: {}", muted ? "quiet hours, films play without sound"
                                        : "quiet hours over, films sound again");
    }
}

void SoundOut::callback(void* self, std::uint8_t* stream, int len) {
    auto* out = static_cast<SoundOut*>(self);
    const auto frames = static_cast<std::size_t>(len) / (FilmSound::kChannels * 2);
    auto* samples = reinterpret_cast<std::int16_t*>(stream);
    std::shared_ptr<FilmSound> sound;
    {
        std::lock_guard lock(out->mu_);
        sound = out->sound_;
    }
    if (!sound) {
        std::memset(stream, 0, static_cast<std::size_t>(len));
        return;
    }
    const float gain = out->muted_ ? 0.0F : static_cast<float>(out->volume_.load()) / 100.0F;
    const auto latency = std::chrono::duration_cast<FilmSound::Clock::duration>(
        std::chrono::duration<double>(static_cast<double>(out->samples_) / FilmSound::kRate));
    sound->pull(samples, frames, gain, latency);
}

}  // namespace signage::render
