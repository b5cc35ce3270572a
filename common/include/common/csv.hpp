#pragma once
// Writing CSV cells that spreadsheets open safely: every CSV the project
// writes (quiz export, play reports) goes through here.
//
// Formula neutralising: Excel, LibreOffice and WPS run a text cell as a
// formula when it starts with = + - @, a tab or a carriage return, and Excel
// and WPS also when it starts with the full-width ＝ ＋ － ＠ (U+FF1D, U+FF0B,
// U+FF0D, U+FF20). A text cell starting with one of these gets one leading
// apostrophe ('), which the spreadsheet shows as text and hides. A text that
// already starts with apostrophes followed by such a character gets one more,
// so that reading back (strip_formula_guard) removes exactly the apostrophe
// the writer added and gives back the original text for every text.
//
// Only text cells are neutralised: a number the program writes (-5, 0.25)
// goes out with plain_cell and stays a number in the spreadsheet.

#include <string>
#include <string_view>

namespace signage::csv {

// True when a spreadsheet would evaluate a cell starting like `text`.
bool starts_like_formula(std::string_view text);

// A cell of text (anything a person wrote): neutralised, then quoted when
// it holds a comma, a quote or a line end.
std::string text_cell(std::string_view text);

// A cell the program formats itself (numbers, dates, yes/no): quoted when
// needed, never neutralised.
std::string plain_cell(std::string_view text);

// The inverse of text_cell's neutralising, for importers: drops the one
// apostrophe in front of "'…'" + formula start; any other text is unchanged.
std::string_view strip_formula_guard(std::string_view cell);

}  // namespace signage::csv
