#include "common/proto.h"

#include <ctype.h>
#include <stdarg.h>
#include <string.h>

static int needs_escape(unsigned char c)
{
    return c <= ' ' || c == '=' || c == '%' || c >= 0x7f;
}

/* Append the encoded form of s to buf at *pos; -1 when it does not fit. */
static int put_escaped(char *buf, size_t n, size_t *pos, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        size_t need = needs_escape(c) ? 3 : 1;
        if (*pos + need >= n)
            return -1;
        if (need == 3) {
            buf[(*pos)++] = '%';
            buf[(*pos)++] = hex[c >> 4];
            buf[(*pos)++] = hex[c & 15];
        } else {
            buf[(*pos)++] = (char)c;
        }
    }
    buf[*pos] = '\0';
    return 0;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* Decode [s, s+len) into out (size n). -1 on a bad escape or overflow. */
static int unescape(const char *s, size_t len, char *out, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)s[i];
        if (c == '%') {
            if (i + 2 >= len)
                return -1;
            int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
            if (h < 0 || l < 0)
                return -1;
            c = h * 16 + l;
            i += 2;
        }
        if (o + 1 >= n)
            return -1;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    return 0;
}

int proto_parse(const char *line, struct proto_line *out)
{
    const char *p = strstr(line, PROTO_TAG " ");
    if (!p)
        return 0;
    /* The tag must start a word: "xvcb1 " is console noise, not ours. */
    if (p != line && !isspace((unsigned char)p[-1]) && p[-1] != '>' && p[-1] != ']')
        return 0;
    p += strlen(PROTO_TAG) + 1;

    memset(out, 0, sizeof *out);
    size_t len = strcspn(p, " \r\n");
    if (len == 0 || len >= sizeof out->kind)
        return -1;
    for (size_t i = 0; i < len; i++)
        if (!islower((unsigned char)p[i]))
            return -1;
    memcpy(out->kind, p, len);
    p += len;

    for (;;) {
        while (*p == ' ')
            p++;
        if (*p == '\0' || *p == '\r' || *p == '\n')
            return 1;
        size_t tok = strcspn(p, " \r\n");
        const char *eq = memchr(p, '=', tok);
        if (!eq || eq == p || out->nfield == PROTO_MAX_FIELDS)
            return -1;
        size_t klen = (size_t)(eq - p);
        if (klen >= PROTO_KEY_MAX)
            return -1;
        struct proto_field *f = &out->f[out->nfield];
        memcpy(f->key, p, klen);
        f->key[klen] = '\0';
        if (unescape(eq + 1, tok - klen - 1, f->val, sizeof f->val) < 0)
            return -1;
        out->nfield++;
        p += tok;
    }
}

const char *proto_get(const struct proto_line *l, const char *key)
{
    for (int i = 0; i < l->nfield; i++)
        if (strcmp(l->f[i].key, key) == 0)
            return l->f[i].val;
    return NULL;
}

static int emit_v(FILE *f, const char *kind, va_list ap)
{
    char buf[1024];
    size_t pos = (size_t)snprintf(buf, sizeof buf, "%s %s", PROTO_TAG, kind);
    for (;;) {
        const char *k = va_arg(ap, const char *);
        if (!k)
            break;
        const char *v = va_arg(ap, const char *);
        if (pos + strlen(k) + 3 >= sizeof buf)
            return -1;
        pos += (size_t)snprintf(buf + pos, sizeof buf - pos, " %s=", k);
        if (put_escaped(buf, sizeof buf - 1, &pos, v ? v : "") < 0)
            return -1;
    }
    buf[pos++] = '\n';
    /* One write per line: lines from concurrent writers never interleave. */
    if (fwrite(buf, 1, pos, f) != pos || fflush(f) != 0)
        return -1;
    return 0;
}

int proto_emit(FILE *f, const char *kind, ...)
{
    va_list ap;
    va_start(ap, kind);
    int r = emit_v(f, kind, ap);
    va_end(ap);
    return r;
}

int proto_metric(FILE *f, const char *name, const char *unit, const char *dir, double value)
{
    char v[64];
    snprintf(v, sizeof v, "%.9g", value);
    return proto_emit(f, "metric", "name", name, "unit", unit, "dir", dir, "value", v, (char *)NULL);
}
