// wasi:keyvalue 0.2.0-draft2 (store and atomics) for C guests without wit-bindgen: the Canonical
// ABI imports declared by hand, with each return area's layout (see wasi-http.h for how).
#ifndef WASI_KEYVALUE_H
#define WASI_KEYVALUE_H
#include "wasi-http.h"

#define KV_STORE "wasi:keyvalue/store@0.2.0-draft2"
#define KV_ATOMICS "wasi:keyvalue/atomics@0.2.0-draft2"

// The `error` variant: case u8 (0 no-such-store, 1 access-denied, 2 other), `other`'s string after it.
typedef struct { uint8_t kind; const char *ptr; size_t len; } kv_error;
// result<own<bucket>, error>: tag @0; handle or error @4.
typedef struct { uint8_t tag; union { handle ok; kv_error err; } u; } kv_open_result;
// result<option<list<u8>>, error>: tag @0; option tag @4 and list @8/@12, or error @4.
typedef struct { uint8_t tag; union { struct { uint8_t some; uint8_t *ptr; size_t len; } ok; kv_error err; } u; } kv_get_result;
// result<_, error>: tag @0; error @4.
typedef struct { uint8_t tag; kv_error err; } kv_unit_result;
// result<s64, error>: tag @0; s64 or error @8.
typedef struct __attribute__((aligned(8))) { uint8_t tag; union { int64_t ok; kv_error err; } u; } kv_s64_result;

WASI_IMPORT(KV_STORE, "open") void kv_open(const char *name, size_t len, kv_open_result *ret);
WASI_IMPORT(KV_STORE, "[method]bucket.get") void kv_get(handle bucket, const char *key, size_t len, kv_get_result *ret);
WASI_IMPORT(KV_STORE, "[method]bucket.set") void kv_set(handle bucket, const char *key, size_t len, const void *value, size_t value_len, kv_unit_result *ret);
WASI_IMPORT(KV_STORE, "[method]bucket.delete") void kv_delete(handle bucket, const char *key, size_t len, kv_unit_result *ret);
WASI_IMPORT(KV_STORE, "[resource-drop]bucket") void kv_bucket_drop(handle bucket);
WASI_IMPORT(KV_ATOMICS, "increment") void kv_increment(handle bucket, const char *key, size_t len, int64_t delta, kv_s64_result *ret);

#endif
