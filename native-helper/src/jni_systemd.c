/*
 * systemd's D-Bus API for Java: the natives of io.jrunc.sys.SdBus, through libsystemd's sd-bus.
 *
 * libsystemd is not linked: it is dlopen()ed ("libsystemd.so.0") by the first SdBus.open, which only the
 * systemd cgroup driver calls. Every other jrunc call loads nothing of it (docs/design-notes.md has the
 * measurements). The header is used for the prototypes only (typeof), so the ABI checked at build time
 * is the one dlsym() hands back.
 *
 * Nothing here decides: io.jrunc.cgroup.systemd builds the unit name and every property (name, D-Bus
 * signature, value) and passes them as one flat byte array (format in SdBus.java). Failures throw
 * io.jrunc.sys.BusException(name, message): the D-Bus error name ("org.freedesktop.systemd1.UnitExists")
 * or a pseudo name ("dlopen", "connect", "timeout", "job") and a text.
 */
#define _GNU_SOURCE
#include <jni.h>

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <time.h>

#define SYM(name) __typeof__(name) *name
static struct {
    SYM(sd_bus_open_system);
    SYM(sd_bus_open_user);
    SYM(sd_bus_flush_close_unref);
    SYM(sd_bus_message_new_method_call);
    SYM(sd_bus_message_append);
    SYM(sd_bus_message_append_basic);
    SYM(sd_bus_message_append_array);
    SYM(sd_bus_message_open_container);
    SYM(sd_bus_message_close_container);
    SYM(sd_bus_message_read);
    SYM(sd_bus_message_unref);
    SYM(sd_bus_call);
    SYM(sd_bus_error_free);
    SYM(sd_bus_match_signal);
    SYM(sd_bus_slot_unref);
    SYM(sd_bus_process);
    SYM(sd_bus_wait);
    SYM(sd_bus_get_property_string);
} sd;
#undef SYM

static pthread_once_t sd_once = PTHREAD_ONCE_INIT;
static char sd_error[512];

static void sd_load(void) {
    void *h = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        snprintf(sd_error, sizeof(sd_error), "%s", dlerror());
        return;
    }
#define LOAD(name)                                                                                           \
    if (!(*(void **)&sd.name = dlsym(h, #name))) {                                                           \
        snprintf(sd_error, sizeof(sd_error), "libsystemd.so.0 has no %s", #name);                            \
        return;                                                                                              \
    }
    LOAD(sd_bus_open_system) LOAD(sd_bus_open_user) LOAD(sd_bus_flush_close_unref)
    LOAD(sd_bus_message_new_method_call) LOAD(sd_bus_message_append) LOAD(sd_bus_message_append_basic)
    LOAD(sd_bus_message_append_array) LOAD(sd_bus_message_open_container) LOAD(sd_bus_message_close_container)
    LOAD(sd_bus_message_read) LOAD(sd_bus_message_unref) LOAD(sd_bus_call) LOAD(sd_bus_error_free)
    LOAD(sd_bus_match_signal) LOAD(sd_bus_slot_unref) LOAD(sd_bus_process) LOAD(sd_bus_wait)
    LOAD(sd_bus_get_property_string)
#undef LOAD
}

static void throw_bus(JNIEnv *env, const char *name, const char *msg) {
    if ((*env)->ExceptionCheck(env)) return;
    jclass cls = (*env)->FindClass(env, "io/jrunc/sys/BusException");
    if (!cls) return;
    jmethodID ctor = (*env)->GetMethodID(env, cls, "<init>", "(Ljava/lang/String;Ljava/lang/String;)V");
    if (!ctor) return;
    jstring jn = (*env)->NewStringUTF(env, name ? name : "error");
    jstring jm = (*env)->NewStringUTF(env, msg ? msg : "");
    if (!jn || !jm) return;
    jobject ex = (*env)->NewObject(env, cls, ctor, jn, jm);
    if (ex) (*env)->Throw(env, (jthrowable)ex);
}

/* A D-Bus error if the call produced one, else the errno's text under the given pseudo name. */
static void throw_rc(JNIEnv *env, const char *what, int rc, sd_bus_error *e) {
    if (e && e->name) {
        throw_bus(env, e->name, e->message ? e->message : e->name);
    } else {
        char buf[320];
        snprintf(buf, sizeof(buf), "%s: %s", what, strerror(rc < 0 ? -rc : EIO));
        throw_bus(env, what, buf);
    }
}

static sd_bus *bus_of(jlong h) { return (sd_bus *)(intptr_t)h; }

/* dlopen (once), then a connection to the system or the user's bus. */
JNIEXPORT jlong JNICALL Java_io_jrunc_sys_SdBus_open(JNIEnv *env, jclass cls, jboolean user) {
    (void)cls;
    pthread_once(&sd_once, sd_load);
    if (sd_error[0]) {
        throw_bus(env, "dlopen", sd_error);
        return 0;
    }
    sd_bus *bus = NULL;
    int rc = user ? sd.sd_bus_open_user(&bus) : sd.sd_bus_open_system(&bus);
    if (rc < 0) {
        throw_rc(env, user ? "sd_bus_open_user" : "sd_bus_open_system", rc, NULL);
        return 0;
    }
    return (jlong)(intptr_t)bus;
}

JNIEXPORT void JNICALL Java_io_jrunc_sys_SdBus_close(JNIEnv *env, jclass cls, jlong h) {
    (void)env, (void)cls;
    if (h) sd.sd_bus_flush_close_unref(bus_of(h));
}

/* ---------------------------------------------------------------- properties */

struct reader {
    const uint8_t *p, *end;
};

static const char *rd_str(struct reader *r) {
    const uint8_t *z = memchr(r->p, 0, (size_t)(r->end - r->p));
    if (!z) return NULL;
    const char *s = (const char *)r->p;
    r->p = z + 1;
    return s;
}

static int rd_bytes(struct reader *r, void *out, size_t n) {
    if ((size_t)(r->end - r->p) < n) return -EBADMSG;
    memcpy(out, r->p, n);
    r->p += n;
    return 0;
}

/* One value of signature sig (the subset SdBus documents), appended inside the open variant. */
static int append_value(sd_bus_message *m, const char *sig, struct reader *r) {
    int rc;
    if (!sig[1]) {
        union { uint8_t y; int16_t n; int32_t i; int64_t x; double d; int b; } v;
        memset(&v, 0, sizeof(v));
        switch (sig[0]) {
        case 's': case 'o': {
            const char *s = rd_str(r);
            return s ? sd.sd_bus_message_append_basic(m, sig[0], s) : -EBADMSG;
        }
        case 'b': {
            uint8_t b;
            if ((rc = rd_bytes(r, &b, 1)) < 0) return rc;
            v.b = b != 0;
            break;
        }
        case 'y': rc = rd_bytes(r, &v.y, 1); break;
        case 'n': case 'q': rc = rd_bytes(r, &v.n, 2); break;
        case 'i': case 'u': rc = rd_bytes(r, &v.i, 4); break;
        case 'x': case 't': case 'd': rc = rd_bytes(r, &v.x, 8); break;
        default: return -EINVAL;
        }
        return rc < 0 ? rc : sd.sd_bus_message_append_basic(m, sig[0], &v);
    }
    uint32_t count;
    if (sig[0] != 'a' || (rc = rd_bytes(r, &count, 4)) < 0) return -EINVAL;
    if (!strcmp(sig, "ay")) {
        if ((size_t)(r->end - r->p) < count) return -EBADMSG;
        rc = sd.sd_bus_message_append_array(m, 'y', r->p, count);
        r->p += count;
        return rc;
    }
    if (!strcmp(sig, "au")) {
        if ((size_t)(r->end - r->p) / 4 < count) return -EBADMSG;
        uint32_t *a = malloc(count ? count * 4u : 4u);
        if (!a) return -ENOMEM;
        memcpy(a, r->p, count * 4u);
        r->p += count * 4u;
        rc = sd.sd_bus_message_append_array(m, 'u', a, count * 4u);
        free(a);
        return rc;
    }
    if (strcmp(sig, "as") && strcmp(sig, "a(ss)")) return -EINVAL;
    if ((rc = sd.sd_bus_message_open_container(m, 'a', sig + 1)) < 0) return rc;
    for (uint32_t k = 0; k < count; k++) {
        const char *a = rd_str(r);
        if (!a) return -EBADMSG;
        if (sig[1] == 's') {
            rc = sd.sd_bus_message_append_basic(m, 's', a);
        } else {
            const char *b = rd_str(r);
            if (!b) return -EBADMSG;
            rc = sd.sd_bus_message_append(m, "(ss)", a, b);
        }
        if (rc < 0) return rc;
    }
    return sd.sd_bus_message_close_container(m);
}

/* a(sv) from the flat encoding: name NUL, signature NUL, value; repeated. */
static int append_props(sd_bus_message *m, const uint8_t *p, size_t n) {
    struct reader r = {p, p + n};
    int rc = sd.sd_bus_message_open_container(m, 'a', "(sv)");
    while (rc >= 0 && r.p < r.end) {
        const char *name = rd_str(&r), *sig = name ? rd_str(&r) : NULL;
        if (!sig) return -EBADMSG;
        if ((rc = sd.sd_bus_message_open_container(m, 'r', "sv")) < 0) break;
        if ((rc = sd.sd_bus_message_append_basic(m, 's', name)) < 0) break;
        if ((rc = sd.sd_bus_message_open_container(m, 'v', sig)) < 0) break;
        if ((rc = append_value(m, sig, &r)) < 0) break;
        if ((rc = sd.sd_bus_message_close_container(m)) < 0) break;
        rc = sd.sd_bus_message_close_container(m);
    }
    return rc < 0 ? rc : sd.sd_bus_message_close_container(m);
}

/* ---------------------------------------------------------------- jobs */

struct job_wait {
    const char *job; /* object path of our job, set once the method returned */
    char result[64];
    int done;
};

/* JobRemoved(u id, o job, s unit, s result): systemd broadcasts it to the client that queued the job. */
static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *e) {
    (void)e;
    struct job_wait *w = userdata;
    uint32_t id;
    const char *path, *unit, *result;
    if (sd.sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0) return 0;
    if (w->job && !strcmp(path, w->job)) {
        snprintf(w->result, sizeof(w->result), "%s", result);
        w->done = 1;
    }
    return 0;
}

static uint64_t now_usec(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/*
 * Calls a Manager method that queues a job (StartTransientUnit, StopUnit) and waits up to timeoutMs for its
 * JobRemoved; returns the job's result ("done", "failed", "canceled", ...). The match is added before the
 * call, so a job that finishes before the reply arrives is not missed (sd_bus_call queues other messages).
 */
static jstring job_call(JNIEnv *env, sd_bus *bus, const char *method, const char *unit, const jbyte *props,
                        jsize nprops, int with_props, jint timeout_ms) {
    sd_bus_error err = SD_BUS_ERROR_NULL;
    sd_bus_message *m = NULL, *reply = NULL;
    sd_bus_slot *slot = NULL;
    struct job_wait w = {0};
    jstring out = NULL;
    int rc = sd.sd_bus_match_signal(bus, &slot, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                    "org.freedesktop.systemd1.Manager", "JobRemoved", on_job_removed, &w);
    if (rc < 0) {
        throw_rc(env, "AddMatch JobRemoved", rc, NULL);
        goto out;
    }
    rc = sd.sd_bus_message_new_method_call(bus, &m, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                           "org.freedesktop.systemd1.Manager", method);
    if (rc >= 0) rc = sd.sd_bus_message_append(m, "ss", unit, "fail");
    if (rc >= 0 && with_props) rc = append_props(m, (const uint8_t *)props, (size_t)nprops);
    if (rc >= 0 && with_props) rc = sd.sd_bus_message_append(m, "a(sa(sv))", 0);
    if (rc < 0) {
        throw_rc(env, "building the D-Bus message", rc, NULL);
        goto out;
    }
    rc = sd.sd_bus_call(bus, m, (uint64_t)timeout_ms * 1000u, &err, &reply);
    if (rc < 0) {
        throw_rc(env, method, rc, &err);
        goto out;
    }
    const char *job;
    if ((rc = sd.sd_bus_message_read(reply, "o", &job)) < 0) {
        throw_rc(env, method, rc, NULL);
        goto out;
    }
    w.job = job;
    uint64_t deadline = now_usec() + (uint64_t)timeout_ms * 1000u;
    while (!w.done) {
        rc = sd.sd_bus_process(bus, NULL);
        if (rc < 0) {
            throw_rc(env, "waiting for the systemd job", rc, NULL);
            goto out;
        }
        if (rc > 0) continue;
        uint64_t now = now_usec();
        if (now >= deadline) {
            char msg[300];
            snprintf(msg, sizeof(msg), "timed out after %d ms waiting for systemd's job %s on %s", (int)timeout_ms,
                     job, unit);
            throw_bus(env, "timeout", msg);
            goto out;
        }
        rc = sd.sd_bus_wait(bus, deadline - now);
        if (rc < 0 && rc != -EINTR) {
            throw_rc(env, "waiting for the systemd job", rc, NULL);
            goto out;
        }
    }
    out = (*env)->NewStringUTF(env, w.result);
out:
    sd.sd_bus_error_free(&err);
    if (reply) sd.sd_bus_message_unref(reply);
    if (m) sd.sd_bus_message_unref(m);
    if (slot) sd.sd_bus_slot_unref(slot);
    return out;
}

JNIEXPORT jstring JNICALL Java_io_jrunc_sys_SdBus_startTransientUnit(JNIEnv *env, jclass cls, jlong h, jstring junit,
                                                                   jbyteArray jprops, jint timeout_ms) {
    (void)cls;
    const char *unit = (*env)->GetStringUTFChars(env, junit, NULL);
    jbyte *props = (*env)->GetByteArrayElements(env, jprops, NULL);
    jstring r = NULL;
    if (unit && props)
        r = job_call(env, bus_of(h), "StartTransientUnit", unit, props, (*env)->GetArrayLength(env, jprops), 1,
                     timeout_ms);
    if (props) (*env)->ReleaseByteArrayElements(env, jprops, props, JNI_ABORT);
    if (unit) (*env)->ReleaseStringUTFChars(env, junit, unit);
    return r;
}

JNIEXPORT jstring JNICALL Java_io_jrunc_sys_SdBus_stopUnit(JNIEnv *env, jclass cls, jlong h, jstring junit,
                                                         jint timeout_ms) {
    (void)cls;
    const char *unit = (*env)->GetStringUTFChars(env, junit, NULL);
    if (!unit) return NULL;
    jstring r = job_call(env, bus_of(h), "StopUnit", unit, NULL, 0, 0, timeout_ms);
    (*env)->ReleaseStringUTFChars(env, junit, unit);
    return r;
}

/* SetUnitProperties(s name, b runtime, a(sv) properties). */
JNIEXPORT void JNICALL Java_io_jrunc_sys_SdBus_setUnitProperties(JNIEnv *env, jclass cls, jlong h, jstring junit,
                                                               jbyteArray jprops) {
    (void)cls;
    const char *unit = (*env)->GetStringUTFChars(env, junit, NULL);
    jbyte *props = (*env)->GetByteArrayElements(env, jprops, NULL);
    sd_bus_error err = SD_BUS_ERROR_NULL;
    sd_bus_message *m = NULL, *reply = NULL;
    if (!unit || !props) goto out;
    int rc = sd.sd_bus_message_new_method_call(bus_of(h), &m, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                               "org.freedesktop.systemd1.Manager", "SetUnitProperties");
    if (rc >= 0) rc = sd.sd_bus_message_append(m, "sb", unit, 1);
    if (rc >= 0) rc = append_props(m, (const uint8_t *)props, (size_t)(*env)->GetArrayLength(env, jprops));
    if (rc < 0) {
        throw_rc(env, "building the D-Bus message", rc, NULL);
        goto out;
    }
    rc = sd.sd_bus_call(bus_of(h), m, 0, &err, &reply);
    if (rc < 0) throw_rc(env, "SetUnitProperties", rc, &err);
out:
    sd.sd_bus_error_free(&err);
    if (reply) sd.sd_bus_message_unref(reply);
    if (m) sd.sd_bus_message_unref(m);
    if (props) (*env)->ReleaseByteArrayElements(env, jprops, props, JNI_ABORT);
    if (unit) (*env)->ReleaseStringUTFChars(env, junit, unit);
}

/* ResetFailedUnit(s name): forget a failed unit's state, so its name can be used again. */
JNIEXPORT void JNICALL Java_io_jrunc_sys_SdBus_resetFailedUnit(JNIEnv *env, jclass cls, jlong h, jstring junit) {
    (void)cls;
    const char *unit = (*env)->GetStringUTFChars(env, junit, NULL);
    if (!unit) return;
    sd_bus_error err = SD_BUS_ERROR_NULL;
    sd_bus_message *reply = NULL;
    sd_bus_message *m = NULL;
    int rc = sd.sd_bus_message_new_method_call(bus_of(h), &m, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                           "org.freedesktop.systemd1.Manager", "ResetFailedUnit");
    if (rc >= 0) rc = sd.sd_bus_message_append(m, "s", unit);
    if (rc >= 0) rc = sd.sd_bus_call(bus_of(h), m, 0, &err, &reply);
    if (rc < 0) throw_rc(env, "ResetFailedUnit", rc, &err);
    sd.sd_bus_error_free(&err);
    if (reply) sd.sd_bus_message_unref(reply);
    if (m) sd.sd_bus_message_unref(m);
    (*env)->ReleaseStringUTFChars(env, junit, unit);
}

/* A string property of the Manager object ("Version", "ControlGroup"). */
JNIEXPORT jstring JNICALL Java_io_jrunc_sys_SdBus_managerProperty(JNIEnv *env, jclass cls, jlong h, jstring jname) {
    (void)cls;
    const char *name = (*env)->GetStringUTFChars(env, jname, NULL);
    if (!name) return NULL;
    sd_bus_error err = SD_BUS_ERROR_NULL;
    char *value = NULL;
    jstring out = NULL;
    int rc = sd.sd_bus_get_property_string(bus_of(h), "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                           "org.freedesktop.systemd1.Manager", name, &err, &value);
    if (rc < 0) throw_rc(env, name, rc, &err);
    else out = (*env)->NewStringUTF(env, value);
    free(value);
    sd.sd_bus_error_free(&err);
    (*env)->ReleaseStringUTFChars(env, jname, name);
    return out;
}
