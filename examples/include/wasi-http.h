// wasi:http 0.2 for C guests without wit-bindgen: the Canonical ABI imports and export of the
// `wasi:http/proxy` world (wasi:http/types, wasi:io/streams and poll, wasi:clocks) that a
// server component uses, declared by hand as a wit-bindgen-generated header would declare
// them. Each function has its flattened core signature (CanonicalABI.md, "Flattening"); a
// result that does not fit in one core value is written to a return area whose layout is
// given next to it. `jco new` checks every signature against the WIT when it builds the
// component, so a mistake here is a build error, not a wrong value at run time.
//
// The guest exports `wasi:http/incoming-handler@0.2.12#handle` by defining
//   void handle(handle request, handle response_out)
// with WASI_HTTP_HANDLER (below).
#ifndef WASI_HTTP_H
#define WASI_HTTP_H
#include <stddef.h>
#include <stdint.h>

#define WASI_IMPORT(module, name) __attribute__((import_module(module), import_name(name)))
#define HTTP_TYPES "wasi:http/types@0.2.12"
#define IO_STREAMS "wasi:io/streams@0.2.12"
#define IO_POLL "wasi:io/poll@0.2.12"
#define MONOTONIC_CLOCK "wasi:clocks/monotonic-clock@0.2.12"

typedef int32_t handle;

// The export. `request` and `response_out` are owned handles.
#define WASI_HTTP_HANDLER(fn) \
  __attribute__((export_name("wasi:http/incoming-handler@0.2.12#handle"))) void fn(handle request, handle response_out)

// ---- return areas ----
// result<own<T>> (no error payload): tag u8 @0 (0 ok), handle @4.
typedef struct { uint8_t tag; handle value; } handle_result;
// option<string>, and the `method` variant (case u8 @0; `other` carries the string): @0, ptr @4, len @8.
typedef struct { uint8_t tag; const char *ptr; size_t len; } tagged_string;
// list<u8> and list<T>: ptr @0, len @4.
typedef struct { uint8_t *ptr; size_t len; } byte_list;
typedef struct { byte_list *ptr; size_t len; } byte_list_list;
// tuple<string, list<u8>>: name @0/@4, value @8/@12.
typedef struct { const char *name; size_t name_len; uint8_t *value; size_t value_len; } field_entry;
typedef struct { field_entry *ptr; size_t len; } field_entries;
// result<_, header-error>: tag u8 @0, header-error case u8 @1 (0 invalid-syntax, 1 forbidden, 2 immutable).
typedef struct { uint8_t tag; uint8_t error; } header_result;
// result<list<u8>, stream-error>: tag @0; ok list @4/@8; err: stream-error case @4 (0
// last-operation-failed with an error handle @8, 1 closed).
typedef struct { uint8_t tag; union { byte_list ok; struct { uint8_t kind; handle error; } err; } u; } read_result;
// result<_, stream-error>: tag @0; stream-error case @4, error handle @8.
typedef struct { uint8_t tag; struct { uint8_t kind; handle error; } err; } write_result;
// result<u64, stream-error>: tag @0; ok u64 @8; err case @8, handle @12.
typedef struct __attribute__((aligned(8))) { uint8_t tag; union { uint64_t ok; struct { uint8_t kind; handle error; } err; } u; } u64_result;
// result<_, error-code>: tag @0; error-code case u8 @8 and its payload after; 40 bytes.
typedef struct __attribute__((aligned(8))) { uint8_t tag; uint8_t _p[7]; uint8_t code; uint8_t _q[31]; } http_result;
// option<result<result<option<own<trailers>>, error-code>>>: option tag @0, outer result tag
// @8, inner result tag @16, option tag @24 and trailers handle @28 (or error-code case @24).
typedef struct __attribute__((aligned(8))) { uint8_t some; uint8_t _a[7]; uint8_t outer; uint8_t _b[7]; uint8_t inner; uint8_t _c[7]; uint8_t has; uint8_t _d[3]; handle trailers; uint8_t _e[24]; } trailers_get;

// ---- wasi:http/types ----
WASI_IMPORT(HTTP_TYPES, "[constructor]fields") handle fields_new(void);
WASI_IMPORT(HTTP_TYPES, "[method]fields.append") void fields_append(handle self, const char *name, size_t name_len, const void *value, size_t value_len, header_result *ret);
WASI_IMPORT(HTTP_TYPES, "[method]fields.set") void fields_set(handle self, const char *name, size_t name_len, const byte_list *values, size_t n, header_result *ret);
WASI_IMPORT(HTTP_TYPES, "[method]fields.get") void fields_get(handle self, const char *name, size_t name_len, byte_list_list *ret);
WASI_IMPORT(HTTP_TYPES, "[method]fields.entries") void fields_entries(handle self, field_entries *ret);
WASI_IMPORT(HTTP_TYPES, "[resource-drop]fields") void fields_drop(handle self);

WASI_IMPORT(HTTP_TYPES, "[method]incoming-request.method") void incoming_request_method(handle self, tagged_string *ret);
WASI_IMPORT(HTTP_TYPES, "[method]incoming-request.path-with-query") void incoming_request_path_with_query(handle self, tagged_string *ret);
WASI_IMPORT(HTTP_TYPES, "[method]incoming-request.authority") void incoming_request_authority(handle self, tagged_string *ret);
WASI_IMPORT(HTTP_TYPES, "[method]incoming-request.headers") handle incoming_request_headers(handle self);
WASI_IMPORT(HTTP_TYPES, "[method]incoming-request.consume") void incoming_request_consume(handle self, handle_result *ret);
WASI_IMPORT(HTTP_TYPES, "[resource-drop]incoming-request") void incoming_request_drop(handle self);

WASI_IMPORT(HTTP_TYPES, "[method]incoming-body.stream") void incoming_body_stream(handle self, handle_result *ret);
WASI_IMPORT(HTTP_TYPES, "[static]incoming-body.finish") handle incoming_body_finish(handle self);
WASI_IMPORT(HTTP_TYPES, "[resource-drop]incoming-body") void incoming_body_drop(handle self);
WASI_IMPORT(HTTP_TYPES, "[method]future-trailers.subscribe") handle future_trailers_subscribe(handle self);
WASI_IMPORT(HTTP_TYPES, "[method]future-trailers.get") void future_trailers_get(handle self, trailers_get *ret);
WASI_IMPORT(HTTP_TYPES, "[resource-drop]future-trailers") void future_trailers_drop(handle self);

WASI_IMPORT(HTTP_TYPES, "[constructor]outgoing-response") handle outgoing_response_new(handle headers);
// result<_, _> flattens to one i32: 0 ok.
WASI_IMPORT(HTTP_TYPES, "[method]outgoing-response.set-status-code") int32_t outgoing_response_set_status_code(handle self, int32_t status);
WASI_IMPORT(HTTP_TYPES, "[method]outgoing-response.headers") handle outgoing_response_headers(handle self);
WASI_IMPORT(HTTP_TYPES, "[method]outgoing-response.body") void outgoing_response_body(handle self, handle_result *ret);
WASI_IMPORT(HTTP_TYPES, "[resource-drop]outgoing-response") void outgoing_response_drop(handle self);
WASI_IMPORT(HTTP_TYPES, "[method]outgoing-body.write") void outgoing_body_write(handle self, handle_result *ret);
WASI_IMPORT(HTTP_TYPES, "[resource-drop]outgoing-body") void outgoing_body_drop(handle self);
WASI_IMPORT(HTTP_TYPES, "[static]outgoing-body.finish") void outgoing_body_finish(handle self, int32_t has_trailers, handle trailers, http_result *ret);

// response-outparam.set(param, result<own<outgoing-response>, error-code>): the result
// flattens to nine core values: the case (0 ok, 1 err), then the joined payloads (ok: the
// response handle; err: the error-code case, then its payload as i32, i64, i32, i32, i32, i32).
WASI_IMPORT(HTTP_TYPES, "[static]response-outparam.set") void response_outparam_set_raw(handle param, int32_t is_err, int32_t a, int32_t b, int64_t c, int32_t d, int32_t e, int32_t f, int32_t g);
static inline void response_outparam_set(handle param, handle response) {
  response_outparam_set_raw(param, 0, response, 0, 0, 0, 0, 0, 0);
}
// error-code case 38: internal-error(option<string>), here with none.
static inline void response_outparam_set_internal_error(handle param) {
  response_outparam_set_raw(param, 1, 38, 0, 0, 0, 0, 0, 0);
}

// ---- wasi:io ----
WASI_IMPORT(IO_STREAMS, "[method]input-stream.read") void input_stream_read(handle self, uint64_t len, read_result *ret);
WASI_IMPORT(IO_STREAMS, "[method]input-stream.blocking-read") void input_stream_blocking_read(handle self, uint64_t len, read_result *ret);
WASI_IMPORT(IO_STREAMS, "[resource-drop]input-stream") void input_stream_drop(handle self);
WASI_IMPORT(IO_STREAMS, "[method]output-stream.check-write") void output_stream_check_write(handle self, u64_result *ret);
WASI_IMPORT(IO_STREAMS, "[method]output-stream.write") void output_stream_write(handle self, const void *ptr, size_t len, write_result *ret);
WASI_IMPORT(IO_STREAMS, "[method]output-stream.blocking-write-and-flush") void output_stream_blocking_write_and_flush(handle self, const void *ptr, size_t len, write_result *ret);
WASI_IMPORT(IO_STREAMS, "[method]output-stream.blocking-flush") void output_stream_blocking_flush(handle self, write_result *ret);
WASI_IMPORT(IO_STREAMS, "[method]output-stream.subscribe") handle output_stream_subscribe(handle self);
WASI_IMPORT(IO_STREAMS, "[resource-drop]output-stream") void output_stream_drop(handle self);
WASI_IMPORT("wasi:io/error@0.2.12", "[resource-drop]error") void io_error_drop(handle self);
WASI_IMPORT(IO_POLL, "[method]pollable.block") void pollable_block(handle self);
WASI_IMPORT(IO_POLL, "[resource-drop]pollable") void pollable_drop(handle self);

// ---- wasi:clocks ----
WASI_IMPORT(MONOTONIC_CLOCK, "now") uint64_t monotonic_now(void);
WASI_IMPORT(MONOTONIC_CLOCK, "subscribe-duration") handle monotonic_subscribe_duration(uint64_t ns);

// ---- helpers ----
/** Waits until `pollable` is ready, then drops it. */
static inline void wait_on(handle pollable) {
  pollable_block(pollable);
  pollable_drop(pollable);
}

/** Reads up to `n` bytes into `buf`, waiting for at least one: the count, 0 at the end, -1 on failure. */
static inline long body_read(handle in, void *buf, size_t n, void (*release)(void *)) {
  read_result r;
  input_stream_blocking_read(in, n, &r);
  if (r.tag != 0) {
    if (r.u.err.kind == 0) io_error_drop(r.u.err.error);
    return r.u.err.kind == 1 ? 0 : -1;
  }
  __builtin_memcpy(buf, r.u.ok.ptr, r.u.ok.len);
  release(r.u.ok.ptr);
  return (long)r.u.ok.len;
}

/** Writes all of `buf` in chunks of at most 4096 bytes (what blocking-write-and-flush takes): 0, or -1. */
static inline int body_write(handle out, const void *buf, size_t n) {
  const uint8_t *p = (const uint8_t *)buf;
  while (n > 0) {
    size_t k = n > 4096 ? 4096 : n;
    write_result r;
    output_stream_blocking_write_and_flush(out, p, k, &r);
    if (r.tag != 0) {
      if (r.err.kind == 0) io_error_drop(r.err.error);
      return -1;
    }
    p += k;
    n -= k;
  }
  return 0;
}

#endif
