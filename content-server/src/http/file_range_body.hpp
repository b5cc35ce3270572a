#pragma once
// A Beast body that streams one region of an open file in 64 KiB pieces, so a
// 100 MB media file or a Range request never sits whole in memory.
// Include only where Beast is already included (the session).

#include <cstdint>

#include <boost/beast/core/error.hpp>
#include <boost/beast/core/file.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>

namespace signage::server::http {

struct FileRangeBody {
    struct value_type {
        boost::beast::file file;
        std::uint64_t offset = 0;
        std::uint64_t length = 0;
    };

    static std::uint64_t size(const value_type& body) { return body.length; }

    class writer {
      public:
        using const_buffers_type = boost::asio::const_buffer;

        template <bool isRequest, class Fields>
        writer(boost::beast::http::header<isRequest, Fields>&, value_type& body) : body_(body) {}

        void init(boost::beast::error_code& ec) {
            remain_ = body_.length;
            body_.file.seek(body_.offset, ec);
        }

        boost::optional<std::pair<const_buffers_type, bool>> get(boost::beast::error_code& ec) {
            const std::size_t amount =
                remain_ > sizeof buf_ ? sizeof buf_ : static_cast<std::size_t>(remain_);
            if (amount == 0) {
                ec = {};
                return boost::none;
            }
            const std::size_t n = body_.file.read(buf_, amount, ec);
            if (ec) return boost::none;
            if (n == 0) {  // the file shrank under us
                ec = boost::beast::http::error::short_read;
                return boost::none;
            }
            remain_ -= n;
            return {{const_buffers_type{buf_, n}, remain_ > 0}};
        }

      private:
        value_type& body_;
        std::uint64_t remain_ = 0;
        char buf_[64 * 1024];
    };
};

}  // namespace signage::server::http
