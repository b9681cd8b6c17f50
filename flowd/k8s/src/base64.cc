#include "base64.h"

#include <openssl/evp.h>

#include <memory>

namespace flows::flowd::k8s::detail {

Result<std::string> Base64Decode(std::string_view text) {
  // EVP_Decode* accepts line breaks and checks padding, unlike
  // EVP_DecodeBlock, which also pads its output with zero bytes.
  std::unique_ptr<EVP_ENCODE_CTX, decltype(&EVP_ENCODE_CTX_free)> ctx(EVP_ENCODE_CTX_new(),
                                                                      EVP_ENCODE_CTX_free);
  if (!ctx) return Error::Invalid("base64: out of memory");
  EVP_DecodeInit(ctx.get());
  std::string out(text.size() + 4, '\0');  // decoding only shrinks
  int n = 0, tail = 0;
  if (text.size() > (1u << 30) ||
      EVP_DecodeUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &n,
                       reinterpret_cast<const unsigned char*>(text.data()),
                       static_cast<int>(text.size())) < 0 ||
      EVP_DecodeFinal(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + n, &tail) != 1) {
    return Error::Invalid("invalid base64");
  }
  out.resize(static_cast<std::size_t>(n) + static_cast<std::size_t>(tail));
  return out;
}

}  // namespace flows::flowd::k8s::detail
