/*
 * vformat(): the loader's printf core. Small on purpose: the conversions
 * rastboot's messages use, with width and zero padding.
 */
#include <stdarg.h>
#include "console.h"

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_num(struct out *o, uint64_t v, unsigned base, bool neg,
		    int width, char pad)
{
	char tmp[24];
	int n = 0;
	if (neg && pad == '0') { /* the sign goes before zero padding */
		put(o, '-');
		neg = false;
		width--;
	}
	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		tmp[n++] = '-';
	for (int i = n; i < width; i++)
		put(o, pad);
	while (n)
		put(o, tmp[--n]);
}

static uint64_t arg_unsigned(va_list *ap, int longs)
{
	if (longs >= 1)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned int);
}

static void convert(struct out *o, char c, va_list *ap, int longs, int width,
		    char pad)
{
	switch (c) {
	case 'd': {
		int64_t v = longs ? va_arg(*ap, long) : va_arg(*ap, int);
		put_num(o, v < 0 ? -(uint64_t)v : (uint64_t)v, 10, v < 0, width,
			pad);
		break;
	}
	case 'u':
		put_num(o, arg_unsigned(ap, longs), 10, false, width, pad);
		break;
	case 'x':
		put_num(o, arg_unsigned(ap, longs), 16, false, width, pad);
		break;
	case 'p':
		put(o, '0');
		put(o, 'x');
		put_num(o, (uintptr_t)va_arg(*ap, void *), 16, false, 16, '0');
		break;
	case 'c':
		put(o, (char)va_arg(*ap, int));
		break;
	case 's': {
		const char *s = va_arg(*ap, const char *);
		size_t n = strlen(s ? s : "(null)");
		for (int i = (int)n; i < width; i++)
			put(o, ' ');
		for (s = s ? s : "(null)"; *s; s++)
			put(o, *s);
		break;
	}
	default:
		put(o, '%');
		put(o, c);
	}
}

int vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = {buf, size, 0};
	va_list aq;
	va_copy(aq, ap);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		char pad = ' ';
		int width = 0, longs = 0;
		if (*++fmt == '0')
			pad = '0', fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z')
			longs++, fmt++;
		if (!*fmt)
			break;
		if (*fmt == '%')
			put(&o, '%');
		else
			convert(&o, *fmt, &aq, longs, width, pad);
	}
	va_end(aq);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int format(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vformat(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
