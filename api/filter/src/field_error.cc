#include "field_error.h"

#include "flows/common/text.h"

namespace flows::api::filter {

Error BadValue(std::string_view field, std::string_view value, std::string_view problem) {
  std::string message(field);
  message += ": ";
  message += Quote(value);
  message += ' ';
  message += problem;
  return Error::Invalid(std::move(message));
}

Error BadField(std::string_view field, std::string_view problem) {
  std::string message(field);
  message += ": ";
  message += problem;
  return Error::Invalid(std::move(message));
}

}  // namespace flows::api::filter
