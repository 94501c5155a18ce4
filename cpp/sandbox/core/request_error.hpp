#pragma once
// A request that cannot be carried out: becomes a Failure reply with this code.
#include <stdexcept>
#include <string>

#include "scuff/protocol/sandbox_message_generated.h"

namespace scuff::sbox {

class RequestError : public std::runtime_error {
public:
    RequestError(protocol::ErrorCode code, const std::string& message)
        : std::runtime_error(message), code(code) {}
    protocol::ErrorCode code;
};

} // namespace scuff::sbox
