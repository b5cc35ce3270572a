#pragma once
// What the slide type files (one a type, each defining its
// `SlideTypeSpec types::<type>()`) share; slide_types.cpp declares them and
// puts them in the table.

#include "protocol/slide_types.hpp"

namespace signage::protocol::types {

// Field descriptions the types share.
FieldSpec make_field(std::string name, FieldKind kind, Label label, bool required = false);
FieldSpec text_field(std::string name, Label label, std::size_t max_chars, bool required = false);
FieldSpec multiline_field(std::string name, Label label, std::size_t max_chars,
                          bool required = false);
// How an image or a film fills its zone: contain (the default) or cover.
FieldSpec fit_field();
// The caption and the media of an image or a video slide (image.cpp).
void picture_text_fields(const Slide& s, TextFields& out);
void picture_media(const Slide& s, TypeMedia& out);

}  // namespace signage::protocol::types
