// notes: a small wasi:http server component that keeps its data in wasi:keyvalue.
//   GET /              a greeting and how many times it was asked for (atomics.increment)
//   GET /notes/NAME    the note NAME, or 404
//   PUT /notes/NAME    stores the request body as note NAME (201)
//   DELETE /notes/NAME deletes note NAME (204)
// Everything lives in the bucket "default", so it survives a restart of the server.
// Built by scripts/build-serve-guests.sh: clang (wasi-libc for malloc and string functions, no
// WASI preview1 calls), then `jco new` with the world server-with-keyvalue of ../wit.
#include <stdlib.h>
#include <string.h>
#include "../include/wasi-keyvalue.h"

__attribute__((export_name("cabi_realloc")))
void *cabi_realloc(void *ptr, size_t old_size, size_t align, size_t new_size) {
  (void)old_size;
  if (new_size == 0) return (void *)align;
  void *p = realloc(ptr, new_size);
  if (p == NULL) __builtin_trap();
  return p;
}

#define MAX_NOTE (1 << 20)

static void respond(handle out, int status, const char *text, size_t len) {
  handle headers = fields_new();
  header_result hr;
  fields_append(headers, "content-type", 12, "text/plain; charset=utf-8", 25, &hr);
  handle response = outgoing_response_new(headers);
  outgoing_response_set_status_code(response, status);
  handle_result body;
  outgoing_response_body(response, &body);
  response_outparam_set(out, response);
  handle_result stream;
  outgoing_body_write(body.value, &stream);
  body_write(stream.value, text, len);
  output_stream_drop(stream.value);
  http_result done;
  outgoing_body_finish(body.value, 0, 0, &done);
}

static void say(handle out, int status, const char *text) {
  respond(out, status, text, strlen(text));
}

static void store_error(handle out, kv_error e) {
  static char text[512];
  const char *what = e.kind == 0 ? "no such store" : e.kind == 1 ? "access denied" : "store error: ";
  size_t n = strlen(what);
  memcpy(text, what, n);
  if (e.kind == 2) {
    size_t k = e.len < sizeof text - n - 2 ? e.len : sizeof text - n - 2;
    memcpy(text + n, e.ptr, k);
    n += k;
  }
  text[n++] = '\n';
  respond(out, 500, text, n);
}

static size_t decimal(char *out, int64_t v) {
  char tmp[24];
  size_t n = 0;
  do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v > 0);
  for (size_t i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
  return n;
}

static void home(handle bucket, handle out) {
  kv_s64_result r;
  kv_increment(bucket, "visits", 6, 1, &r);
  if (r.tag) return store_error(out, r.u.err);
  static char text[128];
  const char *a = "Hello from a WebAssembly component! This page was asked for ";
  size_t n = strlen(a);
  memcpy(text, a, n);
  n += decimal(text + n, r.u.ok);
  const char *b = r.u.ok == 1 ? " time.\n" : " times.\n";
  memcpy(text + n, b, strlen(b));
  n += strlen(b);
  respond(out, 200, text, n);
}

/** The request body, at most MAX_NOTE bytes: its length, or -1 if it is longer or fails. */
static long read_body(handle request, char *buf) {
  handle_result body;
  incoming_request_consume(request, &body);
  if (body.tag) return -1;
  handle_result in;
  incoming_body_stream(body.value, &in);
  if (in.tag) return -1;
  long total = 0;
  for (;;) {
    long n = body_read(in.value, buf + total, MAX_NOTE - total, free);
    if (n == 0) break;
    if (n < 0 || total + n > MAX_NOTE) { total = -1; break; }
    total += n;
    if (total == MAX_NOTE) {  // one more byte would be too many
      char probe;
      if (body_read(in.value, &probe, 1, free) != 0) total = -1;
      break;
    }
  }
  input_stream_drop(in.value);
  incoming_body_drop(body.value);
  return total;
}

static void note(handle request, handle bucket, handle out, int method, const char *name, size_t len) {
  if (len == 0) return say(out, 404, "no note name\n");
  if (method == 0) {  // GET
    kv_get_result r;
    kv_get(bucket, name, len, &r);
    if (r.tag) return store_error(out, r.u.err);
    if (!r.u.ok.some) return say(out, 404, "no such note\n");
    respond(out, 200, (const char *)r.u.ok.ptr, r.u.ok.len);
    free(r.u.ok.ptr);
  } else if (method == 3) {  // PUT
    char *buf = malloc(MAX_NOTE);
    long n = buf ? read_body(request, buf) : -1;
    if (n < 0) {
      free(buf);
      return say(out, 413, "a note holds at most 1 MiB\n");
    }
    kv_unit_result r;
    kv_set(bucket, name, len, buf, (size_t)n, &r);
    free(buf);
    if (r.tag) return store_error(out, r.err);
    say(out, 201, "stored\n");
  } else if (method == 4) {  // DELETE
    kv_unit_result r;
    kv_delete(bucket, name, len, &r);
    if (r.tag) return store_error(out, r.err);
    respond(out, 204, "", 0);
  } else {
    say(out, 405, "GET, PUT or DELETE\n");
  }
}

WASI_HTTP_HANDLER(handle_request) {
  tagged_string method, path;
  incoming_request_method(request, &method);
  incoming_request_path_with_query(request, &path);
  const char *p = path.tag ? path.ptr : "/";
  size_t len = path.tag ? path.len : 1;
  for (size_t i = 0; i < len; i++) if (p[i] == '?') { len = i; break; }
  kv_open_result b;
  kv_open("default", 7, &b);
  if (b.tag) {
    store_error(response_out, b.u.err);
  } else {
    if (len == 1 && p[0] == '/') {
      home(b.u.ok, response_out);
    } else if (len > 7 && memcmp(p, "/notes/", 7) == 0) {
      note(request, b.u.ok, response_out, method.tag, p + 7, len - 7);
    } else {
      say(response_out, 404, "not found: try / or /notes/NAME\n");
    }
    kv_bucket_drop(b.u.ok);
  }
  incoming_request_drop(request);
}
