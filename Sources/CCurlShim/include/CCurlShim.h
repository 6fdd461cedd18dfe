#ifndef GANGWAY_CCURL_SHIM_H
#define GANGWAY_CCURL_SHIM_H
#include <curl/curl.h>

// Typed wrappers around libcurl's variadic curl_easy_setopt / curl_easy_getinfo, which Swift cannot call.
// Option numbers are re-exported as plain ints so Swift never has to name libcurl's enum types.

/// curl_global_init(CURL_GLOBAL_DEFAULT) exactly once per process (thread-safe). Returns its CURLcode.
int gw_curl_global_init_once(void);

int gw_curl_setopt_long(CURL *handle, int option, long value);
int gw_curl_setopt_str(CURL *handle, int option, const char *value);
int gw_curl_setopt_ptr(CURL *handle, int option, void *value);
int gw_curl_setopt_off(CURL *handle, int option, long long value);

typedef size_t (*gw_curl_data_cb)(char *data, size_t size, size_t nmemb, void *userdata);
typedef int (*gw_curl_progress_cb)(void *userdata, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);

int gw_curl_set_write_callback(CURL *handle, gw_curl_data_cb cb, void *userdata);
int gw_curl_set_header_callback(CURL *handle, gw_curl_data_cb cb, void *userdata);
/// Progress callback: return non-zero to abort the transfer (CURLE_ABORTED_BY_CALLBACK).
int gw_curl_set_progress_callback(CURL *handle, gw_curl_progress_cb cb, void *userdata);

long gw_curl_response_code(CURL *handle);

static const int GW_CURLOPT_URL = CURLOPT_URL;
static const int GW_CURLOPT_CUSTOMREQUEST = CURLOPT_CUSTOMREQUEST;
static const int GW_CURLOPT_POST = CURLOPT_POST;
static const int GW_CURLOPT_HTTPGET = CURLOPT_HTTPGET;
static const int GW_CURLOPT_NOBODY = CURLOPT_NOBODY;
static const int GW_CURLOPT_POSTFIELDSIZE_LARGE = CURLOPT_POSTFIELDSIZE_LARGE;
static const int GW_CURLOPT_COPYPOSTFIELDS = CURLOPT_COPYPOSTFIELDS;
static const int GW_CURLOPT_HTTPHEADER = CURLOPT_HTTPHEADER;
static const int GW_CURLOPT_TIMEOUT_MS = CURLOPT_TIMEOUT_MS;
static const int GW_CURLOPT_CONNECTTIMEOUT_MS = CURLOPT_CONNECTTIMEOUT_MS;
static const int GW_CURLOPT_NOSIGNAL = CURLOPT_NOSIGNAL;
static const int GW_CURLOPT_CAINFO = CURLOPT_CAINFO;
static const int GW_CURLOPT_SSL_VERIFYPEER = CURLOPT_SSL_VERIFYPEER;
static const int GW_CURLOPT_SSL_VERIFYHOST = CURLOPT_SSL_VERIFYHOST;
static const int GW_CURLOPT_USERAGENT = CURLOPT_USERAGENT;
static const int GW_CURLOPT_ERRORBUFFER = CURLOPT_ERRORBUFFER;
static const int GW_CURLOPT_FOLLOWLOCATION = CURLOPT_FOLLOWLOCATION;
static const int GW_CURLOPT_PROXY = CURLOPT_PROXY;
static const int GW_CURLOPT_NOPROXY = CURLOPT_NOPROXY;
static const int GW_CURL_ERROR_SIZE = CURL_ERROR_SIZE;
static const int GW_CURLE_OK = CURLE_OK;
static const int GW_CURLE_OPERATION_TIMEDOUT = CURLE_OPERATION_TIMEDOUT;
static const int GW_CURLE_ABORTED_BY_CALLBACK = CURLE_ABORTED_BY_CALLBACK;
static const int GW_CURLE_COULDNT_CONNECT = CURLE_COULDNT_CONNECT;
static const int GW_CURLE_COULDNT_RESOLVE_HOST = CURLE_COULDNT_RESOLVE_HOST;
static const int GW_CURLE_PEER_FAILED_VERIFICATION = CURLE_PEER_FAILED_VERIFICATION;

#endif
