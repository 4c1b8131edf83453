/*
 * The formatting engine behind kprintf and snprintf (see <kernel/printk.h>
 * for the formats). vformat hands output in pieces to a callback, so that
 * kprintf can stream to the consoles without a size limit while vsnprintf
 * fills a buffer.
 *
 * Pure code with no kernel dependencies: tests/host/test_printf.c compiles
 * this file on the host and checks it against the C library's printf.
 */
#include <kernel/printk.h>

#include <stdbool.h>
#include <stdint.h>

enum {
	F_LEFT = 1 << 0,  /* '-' */
	F_ZERO = 1 << 1,  /* '0' */
	F_PLUS = 1 << 2,  /* '+' */
	F_SPACE = 1 << 3, /* ' ' */
	F_ALT = 1 << 4,	  /* '#' */
	F_PTR = 1 << 5,	  /* %p: always 0x, 16 digits */
};

enum length { LEN_HH, LEN_H, LEN_INT, LEN_L, LEN_LL, LEN_Z, LEN_T, LEN_J };

struct spec {
	unsigned int flags;
	int width;
	int prec; /* -1: none given */
	enum length len;
};

struct out {
	format_out_fn fn;
	void *arg;
	int count;
};

static void emit(struct out *o, const char *s, size_t n)
{
	if (n)
		o->fn(s, n, o->arg);
	o->count += (int)n;
}

static void emit_fill(struct out *o, char c, int n)
{
	char chunk[16];

	for (size_t i = 0; i < sizeof(chunk); i++)
		chunk[i] = c;
	for (; n > 0; n -= (int)sizeof(chunk))
		emit(o, chunk,
		     n < (int)sizeof(chunk) ? (size_t)n : sizeof(chunk));
}

/* Emit body (len bytes) padded to the spec's width. */
static void emit_padded(struct out *o, const struct spec *sp, const char *body,
			int len)
{
	int pad = sp->width > len ? sp->width - len : 0;

	if (!(sp->flags & F_LEFT))
		emit_fill(o, ' ', pad);
	emit(o, body, (size_t)len);
	if (sp->flags & F_LEFT)
		emit_fill(o, ' ', pad);
}

/* The F_* bit of flag character c, or 0. */
static unsigned int flag_bit(char c)
{
	static const char flag_chars[] = "-0+ #"; /* in F_* bit order */

	for (unsigned int i = 0; flag_chars[i]; i++) {
		if (flag_chars[i] == c)
			return 1u << i;
	}
	return 0;
}

static int parse_digits(const char **fp)
{
	int n = 0;

	for (; **fp >= '0' && **fp <= '9'; (*fp)++)
		n = n * 10 + (**fp - '0');
	return n;
}

/* A length modifier (hh h l ll z t j) at f, if any; returns past it. */
static const char *parse_length(const char *f, enum length *len)
{
	bool doubled = *f && f[1] == *f; /* never reads past the NUL */

	switch (*f) {
	case 'h':
		*len = doubled ? LEN_HH : LEN_H;
		return f + 1 + doubled;
	case 'l':
		*len = doubled ? LEN_LL : LEN_L;
		return f + 1 + doubled;
	case 'z':
		*len = LEN_Z;
		return f + 1;
	case 't':
		*len = LEN_T;
		return f + 1;
	case 'j':
		*len = LEN_J;
		return f + 1;
	default:
		return f;
	}
}

/* Reads [flags][width][.prec][length]; returns where the conversion is. */
static const char *parse_spec(const char *f, va_list *ap, struct spec *sp)
{
	unsigned int bit;

	*sp = (struct spec){.prec = -1, .len = LEN_INT};
	for (; (bit = flag_bit(*f)) != 0; f++)
		sp->flags |= bit;
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->flags |= F_LEFT;
			sp->width = -sp->width;
		}
		f++;
	} else {
		sp->width = parse_digits(&f);
	}
	if (*f == '.') {
		f++;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);
			f++;
		} else {
			sp->prec = parse_digits(&f);
		}
		if (sp->prec < 0)
			sp->prec = -1;
	}
	return parse_length(f, &sp->len);
}

static uint64_t fetch_unsigned(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_HH:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H:
		return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_INT:
		return va_arg(*ap, unsigned int);
	case LEN_L:
		return va_arg(*ap, unsigned long);
	case LEN_Z:
		return va_arg(*ap, size_t);
	default: /* ll, t, j: all 64-bit on x86_64 */
		return va_arg(*ap, unsigned long long);
	}
}

static int64_t fetch_signed(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_HH:
		return (signed char)va_arg(*ap, int);
	case LEN_H:
		return (short)va_arg(*ap, int);
	case LEN_INT:
		return va_arg(*ap, int);
	case LEN_L:
		return va_arg(*ap, long);
	case LEN_Z: /* signed size_t */
		return (int64_t)va_arg(*ap, size_t);
	default: /* ll, t, j */
		return va_arg(*ap, long long);
	}
}

/* The sign or radix prefix of a number: "-", "+", " ", "0x", "0X" or "". */
static int number_prefix(char *prefix, const struct spec *sp, bool negative,
			 bool is_signed, unsigned int base, bool upper,
			 bool nonzero)
{
	if (is_signed && negative)
		prefix[0] = '-';
	else if (is_signed && (sp->flags & F_PLUS))
		prefix[0] = '+';
	else if (is_signed && (sp->flags & F_SPACE))
		prefix[0] = ' ';
	else if (base == 16 &&
		 ((sp->flags & F_PTR) || ((sp->flags & F_ALT) && nonzero))) {
		prefix[0] = '0';
		prefix[1] = upper ? 'X' : 'x';
		return 2;
	} else
		return 0;
	return 1;
}

/* Print magnitude v in base with the sign/prefix, precision and width. */
static void format_number(struct out *o, const struct spec *sp, uint64_t v,
			  bool negative, bool is_signed, unsigned int base,
			  bool upper)
{
	const char *digit_set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char digits[24], prefix[2];
	int nd = 0, zeros, plen, pad;
	bool nonzero = v != 0;

	if (v != 0 || sp->prec != 0) {
		do {
			digits[nd++] = digit_set[v % base];
			v /= base;
		} while (v);
	}
	zeros = sp->prec > nd ? sp->prec - nd : 0;
	if (base == 8 && (sp->flags & F_ALT) && zeros == 0 &&
	    (nd == 0 || digits[nd - 1] != '0'))
		zeros = 1;
	plen = number_prefix(prefix, sp, negative, is_signed, base, upper,
			     nonzero);
	pad = sp->width - plen - zeros - nd;
	if (pad > 0 && (sp->flags & F_ZERO) && sp->prec < 0 &&
	    !(sp->flags & F_LEFT)) {
		zeros += pad;
		pad = 0;
	}
	if (!(sp->flags & F_LEFT))
		emit_fill(o, ' ', pad);
	emit(o, prefix, (size_t)plen);
	emit_fill(o, '0', zeros);
	while (nd > 0)
		emit(o, &digits[--nd], 1);
	if (sp->flags & F_LEFT)
		emit_fill(o, ' ', pad);
}

/* %s: at most precision characters of s, padded to the width. */
static void format_string(struct out *o, const struct spec *sp, const char *s)
{
	int n = 0;

	/*
	 * A panic report must not fault on the garbage it reports (a freed
	 * lock's name, say): a non-canonical or first-page pointer prints as
	 * Linux prints it.
	 */
	if (!s)
		s = "(null)";
	else if ((uintptr_t)s < 4096 ||
		 (intptr_t)((uintptr_t)s << 7) >> 7 != (intptr_t)s)
		s = "(efault)";
	while ((sp->prec < 0 || n < sp->prec) && s[n])
		n++;
	emit_padded(o, sp, s, n);
}

static unsigned int unsigned_base(char c)
{
	if (c == 'u')
		return 10;
	return c == 'o' ? 8 : 16;
}

/* One conversion c (after its spec); unknown ones are printed as given. */
static void convert(struct out *o, struct spec *sp, char c, va_list *ap)
{
	int64_t sv;
	char ch;

	switch (c) {
	case 'd':
	case 'i':
		sv = fetch_signed(ap, sp->len);
		format_number(o, sp, sv < 0 ? -(uint64_t)sv : (uint64_t)sv,
			      sv < 0, true, 10, false);
		break;
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		format_number(o, sp, fetch_unsigned(ap, sp->len), false, false,
			      unsigned_base(c), c == 'X');
		break;
	case 'p':
		sp->flags |= F_PTR;
		sp->prec = 16;
		format_number(o, sp, (uintptr_t)va_arg(*ap, void *), false,
			      false, 16, false);
		break;
	case 'c':
		ch = (char)va_arg(*ap, int);
		emit_padded(o, sp, &ch, 1);
		break;
	case 's':
		format_string(o, sp, va_arg(*ap, const char *));
		break;
	case '%':
		emit(o, "%", 1);
		break;
	default:
		emit(o, "%", 1);
		emit(o, &c, c ? 1 : 0);
	}
}

int vformat(format_out_fn fn, void *arg, const char *fmt, va_list ap)
{
	struct out o = {.fn = fn, .arg = arg};
	struct spec sp;
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		const char *lit = fmt;

		while (*fmt && *fmt != '%')
			fmt++;
		emit(&o, lit, (size_t)(fmt - lit));
		if (!*fmt)
			break;
		fmt = parse_spec(fmt + 1, &args, &sp);
		convert(&o, &sp, *fmt, &args);
		if (*fmt)
			fmt++;
	}
	va_end(args);
	return o.count;
}

struct buf_sink {
	char *buf;
	size_t size; /* room for characters, the NUL excluded */
	size_t pos;
};

static void buf_out(const char *s, size_t len, void *arg)
{
	struct buf_sink *b = arg;

	for (size_t i = 0; i < len && b->pos < b->size; i++)
		b->buf[b->pos++] = s[i];
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buf_sink b = {.buf = buf, .size = size ? size - 1 : 0};
	int n = vformat(buf_out, &b, fmt, ap);

	if (size)
		buf[b.pos] = '\0';
	return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
