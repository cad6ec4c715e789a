/*
 * sim/asan.h — SIM_ASAN is defined when compiling with AddressSanitizer
 * (gcc's __SANITIZE_ADDRESS__ or clang's __has_feature), so the stack code
 * can tell it about fiber switches and recycled stacks.
 */
#ifndef SIM_ASAN_H
#define SIM_ASAN_H

#if defined(__SANITIZE_ADDRESS__)
#define SIM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIM_ASAN 1
#endif
#endif

#endif
