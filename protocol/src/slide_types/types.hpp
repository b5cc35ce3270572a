#pragma once
// The slide types, one file each; slide_types.cpp puts them in the table.

#include "protocol/slide_types.hpp"

namespace signage::protocol::types {

SlideTypeSpec text();
SlideTypeSpec image();
SlideTypeSpec core_values();
SlideTypeSpec honor_roll();
SlideTypeSpec red_black();
SlideTypeSpec notice();
SlideTypeSpec emergency();

// Field descriptions the types share.
FieldSpec make_field(std::string name, FieldKind kind, Label label, bool required = false);
FieldSpec text_field(std::string name, Label label, std::size_t max_chars, bool required = false);
FieldSpec multiline_field(std::string name, Label label, std::size_t max_chars,
                          bool required = false);

}  // namespace signage::protocol::types
