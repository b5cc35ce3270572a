// The compiled parts of Asio and Beast, built once for the whole library
// (BOOST_ASIO_SEPARATE_COMPILATION / BOOST_BEAST_SEPARATE_COMPILATION) rather
// than in every file that includes them.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
