#include "core/thread_roles.hpp"

namespace scuff::sbox {

ThreadRoles& thread_roles() {
    static ThreadRoles roles;
    return roles;
}

} // namespace scuff::sbox
