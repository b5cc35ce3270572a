#include "core/playlist.hpp"

namespace signage::player {

protocol::Slide default_slide() {
    protocol::Slide s;
    s.id = "builtin:core_values";
    s.type = protocol::SlideType::core_values;
    s.title = "社会主义核心价值观";
    s.duration_s = 30;
    s.category = "核心价值观";
    s.public_service = true;
    return s;
}

void Playlist::set_manifest(protocol::Manifest m) {
    std::optional<std::size_t> carried;
    if (index_ && manifest_) {
        const auto& playing_id = manifest_->items[*index_].id;
        for (std::size_t i = 0; i < m.items.size(); ++i) {
            if (m.items[i].id == playing_id) carried = i;
        }
    }
    manifest_ = std::move(m);
    index_ = carried;
}

const protocol::Slide& Playlist::next(protocol::Timestamp now) {
    if (!manifest_ || manifest_->items.empty()) {
        index_.reset();
        return default_;
    }
    const std::size_t n = manifest_->items.size();
    const std::size_t start = index_ ? (*index_ + 1) % n : 0;
    for (std::size_t k = 0; k < n; ++k) {
        const std::size_t i = (start + k) % n;
        if (manifest_->items[i].is_valid_at(now, local_offset_)) {
            index_ = i;
            return manifest_->items[i];
        }
    }
    index_.reset();
    return default_;
}

const protocol::Slide& Playlist::current() const {
    if (index_ && manifest_) return manifest_->items[*index_];
    return default_;
}

}  // namespace signage::player
