// A Node addon with one function, mallocTrim(): glibc keeps memory that was freed in the middle
// of its heap (V8's collected buffers, SQLite's pages) until malloc_trim asks it to return those
// pages to the system. Spur calls it after a collection at idle (src/heap-tuning.ts).
#include <malloc.h>
#include <node_api.h>

static napi_value malloc_trim_now(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value released;
  napi_get_boolean(env, malloc_trim(0) == 1, &released);
  return released;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  if (napi_create_function(env, "mallocTrim", NAPI_AUTO_LENGTH, malloc_trim_now, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "mallocTrim", fn) != napi_ok) return NULL;
  return exports;
}
