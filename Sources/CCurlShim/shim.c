#include "CCurlShim.h"
#include <pthread.h>

static pthread_once_t gw_curl_once = PTHREAD_ONCE_INIT;
static int gw_curl_init_result = 0;

static void gw_curl_do_init(void) { gw_curl_init_result = (int)curl_global_init(CURL_GLOBAL_DEFAULT); }

int gw_curl_global_init_once(void) {
    pthread_once(&gw_curl_once, gw_curl_do_init);
    return gw_curl_init_result;
}

int gw_curl_setopt_long(CURL *handle, int option, long value) {
    return (int)curl_easy_setopt(handle, (CURLoption)option, value);
}

int gw_curl_setopt_str(CURL *handle, int option, const char *value) {
    return (int)curl_easy_setopt(handle, (CURLoption)option, value);
}

int gw_curl_setopt_ptr(CURL *handle, int option, void *value) {
    return (int)curl_easy_setopt(handle, (CURLoption)option, value);
}

int gw_curl_setopt_off(CURL *handle, int option, long long value) {
    return (int)curl_easy_setopt(handle, (CURLoption)option, (curl_off_t)value);
}

int gw_curl_set_write_callback(CURL *handle, gw_curl_data_cb cb, void *userdata) {
    CURLcode rc = curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, cb);
    if (rc != CURLE_OK) return (int)rc;
    return (int)curl_easy_setopt(handle, CURLOPT_WRITEDATA, userdata);
}

int gw_curl_set_header_callback(CURL *handle, gw_curl_data_cb cb, void *userdata) {
    CURLcode rc = curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, cb);
    if (rc != CURLE_OK) return (int)rc;
    return (int)curl_easy_setopt(handle, CURLOPT_HEADERDATA, userdata);
}

int gw_curl_set_progress_callback(CURL *handle, gw_curl_progress_cb cb, void *userdata) {
    CURLcode rc = curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, cb);
    if (rc != CURLE_OK) return (int)rc;
    rc = curl_easy_setopt(handle, CURLOPT_XFERINFODATA, userdata);
    if (rc != CURLE_OK) return (int)rc;
    return (int)curl_easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
}

long gw_curl_response_code(CURL *handle) {
    long code = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &code);
    return code;
}
