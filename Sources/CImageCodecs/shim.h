// C side of ImageCodec. Swift cannot use libpng's or libjpeg's setjmp/longjmp error handling,
// so every call that may longjmp lives in a static inline function below, with its own setjmp,
// and reports failure through a return code and a message buffer. Nothing here exits or aborts.
#ifndef CIMAGECODECS_SHIM_H
#define CIMAGECODECS_SHIM_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>
#include <stdio.h> // jpeglib.h uses FILE and size_t without including anything itself
#include <jpeglib.h>
#include <jerror.h>

#if !defined(JCS_EXTENSIONS)
#error "CImageCodecs needs libjpeg-turbo (JCS_EXT_RGBA); plain IJG libjpeg is not supported"
#endif

// Return codes (macros rather than an enum so Swift imports them as Int32, like the results).
#define CIC_OK 0
#define CIC_ERROR 1
#define CIC_TRUNCATED 2

static inline void cic_copy_message(char *dst, size_t dst_len, const char *src) {
    if (dst == NULL || dst_len == 0) return;
    if (src == NULL) src = "";
    size_t n = strlen(src);
    if (n >= dst_len) n = dst_len - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static inline void cic_free(void *p) { free(p); }

// MARK: - PNG (libpng simplified API: it does its own setjmp internally)

// Reads the PNG header only; the caller checks width/height before allocating the pixels.
// On success the caller must either call cic_png_finish_read_rgba or png_image_free.
static inline int cic_png_begin_read(png_image *image, const void *data, size_t len) {
    memset(image, 0, sizeof *image);
    image->version = PNG_IMAGE_VERSION;
    return png_image_begin_read_from_memory(image, data, len) ? CIC_OK : CIC_ERROR;
}

// Decodes into `buffer`, which must hold width*height*4 bytes (tightly packed RGBA8, sRGB,
// not premultiplied). libpng frees the control structure itself on success and on failure.
static inline int cic_png_finish_read_rgba(png_image *image, void *buffer) {
    image->format = PNG_FORMAT_RGBA;
    // Untagged 16-bit data is sRGB in practice (as browsers assume); libpng's default of
    // "linear" would brighten such images.
    image->flags |= PNG_IMAGE_FLAG_16BIT_sRGB;
    return png_image_finish_read(image, NULL, buffer, 0, NULL) ? CIC_OK : CIC_ERROR;
}

static inline size_t cic_png_size_max_rgba(uint32_t width, uint32_t height) {
    png_image image;
    memset(&image, 0, sizeof image);
    image.width = width;
    image.height = height;
    image.format = PNG_FORMAT_RGBA;
    return (size_t)PNG_IMAGE_PNG_SIZE_MAX(image);
}

// Encodes tightly packed RGBA8 into `out` (capacity *out_len, see cic_png_size_max_rgba);
// on success *out_len is the number of bytes written. `fast` skips row filtering and uses zlib
// level 3: about 7x faster for about 25% larger files.
static inline int cic_png_write_rgba(const uint8_t *pixels, uint32_t width, uint32_t height, int fast,
                                     uint8_t *out, size_t *out_len, char *msg, size_t msg_len) {
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.flags = fast ? PNG_IMAGE_FLAG_FAST : 0;
    image.width = width;
    image.height = height;
    image.format = PNG_FORMAT_RGBA;
    png_alloc_size_t size = (png_alloc_size_t)*out_len;
    if (!png_image_write_to_memory(&image, out, &size, 0, pixels, 0, NULL)) {
        cic_copy_message(msg, msg_len, image.message[0] ? image.message : "PNG write failed");
        png_image_free(&image);
        return CIC_ERROR;
    }
    *out_len = (size_t)size;
    return CIC_OK;
}

// MARK: - JPEG (libjpeg-turbo with an error manager that longjmps back into these helpers)

typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    int truncated;
    char message[JMSG_LENGTH_MAX];
} cic_jpeg_error;

static inline void cic_jpeg_error_exit(j_common_ptr cinfo) {
    cic_jpeg_error *err = (cic_jpeg_error *)cinfo->err;
    cinfo->err->format_message(cinfo, err->message);
    longjmp(err->jump, 1);
}

// Warnings are normally printed and ignored; a premature end of data is promoted to an error so
// truncated files are rejected instead of decoding to grey. Other warnings are tolerated.
static inline void cic_jpeg_emit_message(j_common_ptr cinfo, int msg_level) {
    if (msg_level >= 0) return; // trace messages
    cinfo->err->num_warnings++;
    if (cinfo->err->msg_code == JWRN_JPEG_EOF) {
        ((cic_jpeg_error *)cinfo->err)->truncated = 1;
        cinfo->err->error_exit(cinfo);
    }
}

static inline void cic_jpeg_output_message(j_common_ptr cinfo) { (void)cinfo; } // never print

static inline void cic_jpeg_init_error(cic_jpeg_error *err) {
    jpeg_std_error(&err->pub);
    err->pub.error_exit = cic_jpeg_error_exit;
    err->pub.emit_message = cic_jpeg_emit_message;
    err->pub.output_message = cic_jpeg_output_message;
    err->truncated = 0;
    err->message[0] = '\0';
}

typedef struct {
    struct jpeg_decompress_struct cinfo;
    cic_jpeg_error err;
    int created;
    int cmyk;
} cic_jpeg_decoder;

static inline cic_jpeg_decoder *cic_jpeg_decoder_create(void) {
    cic_jpeg_decoder *d = (cic_jpeg_decoder *)calloc(1, sizeof *d);
    if (d == NULL) return NULL;
    cic_jpeg_init_error(&d->err);
    d->cinfo.err = &d->err.pub;
    if (setjmp(d->err.jump)) {
        free(d);
        return NULL;
    }
    jpeg_create_decompress(&d->cinfo);
    d->created = 1;
    return d;
}

static inline void cic_jpeg_decoder_destroy(cic_jpeg_decoder *d) {
    if (d == NULL) return;
    if (d->created) jpeg_destroy_decompress(&d->cinfo);
    free(d);
}

static inline const char *cic_jpeg_decoder_message(const cic_jpeg_decoder *d) {
    return d->err.message;
}

static inline int cic_jpeg_decoder_status(const cic_jpeg_decoder *d) {
    return d->err.truncated ? CIC_TRUNCATED : CIC_ERROR;
}

// Parses the headers only. `data` must stay valid until cic_jpeg_read_rgba returns.
static inline int cic_jpeg_read_header(cic_jpeg_decoder *d, const uint8_t *data, size_t len,
                                       uint32_t *width, uint32_t *height) {
    if (setjmp(d->err.jump)) return cic_jpeg_decoder_status(d);
    jpeg_mem_src(&d->cinfo, data, (unsigned long)len);
    jpeg_read_header(&d->cinfo, TRUE);
    // libjpeg-turbo cannot convert CMYK/YCCK to RGB; those are converted by hand below.
    d->cmyk = d->cinfo.jpeg_color_space == JCS_CMYK || d->cinfo.jpeg_color_space == JCS_YCCK;
    d->cinfo.out_color_space = d->cmyk ? JCS_CMYK : JCS_EXT_RGBA;
    jpeg_calc_output_dimensions(&d->cinfo);
    *width = d->cinfo.output_width;
    *height = d->cinfo.output_height;
    return CIC_OK;
}

// Decodes into `out` (tightly packed RGBA8, capacity out_len bytes, alpha = 255).
static inline int cic_jpeg_read_rgba(cic_jpeg_decoder *d, uint8_t *out, size_t out_len) {
    if (setjmp(d->err.jump)) return cic_jpeg_decoder_status(d);
    jpeg_start_decompress(&d->cinfo);
    size_t stride = (size_t)d->cinfo.output_width * 4;
    if (stride * d->cinfo.output_height > out_len) {
        cic_copy_message(d->err.message, sizeof d->err.message, "output buffer too small");
        jpeg_abort_decompress(&d->cinfo);
        return CIC_ERROR;
    }
    // Adobe writes inverted CMYK; without its marker assume plain CMYK.
    int inverted = d->cinfo.saw_Adobe_marker;
    while (d->cinfo.output_scanline < d->cinfo.output_height) {
        JSAMPROW row = out + stride * d->cinfo.output_scanline;
        jpeg_read_scanlines(&d->cinfo, &row, 1);
        if (d->cmyk) {
            // CMYK is also 4 bytes per pixel, so convert the row in place.
            for (size_t i = 0; i < stride; i += 4) {
                unsigned c = row[i], m = row[i + 1], y = row[i + 2], k = row[i + 3];
                if (!inverted) { c = 255 - c; m = 255 - m; y = 255 - y; k = 255 - k; }
                row[i] = (uint8_t)((c * k + 127) / 255);
                row[i + 1] = (uint8_t)((m * k + 127) / 255);
                row[i + 2] = (uint8_t)((y * k + 127) / 255);
                row[i + 3] = 255;
            }
        }
    }
    jpeg_finish_decompress(&d->cinfo);
    return CIC_OK;
}

// Growable malloc'd destination we own, so the buffer is never lost on an error path
// (jpeg_mem_dest forgets its reallocated buffer if compression fails midway).
typedef struct {
    struct jpeg_destination_mgr pub;
    uint8_t *buffer;
    size_t capacity;
} cic_jpeg_dest;

typedef struct {
    struct jpeg_compress_struct cinfo;
    cic_jpeg_error err;
    cic_jpeg_dest dest;
    int created;
} cic_jpeg_encoder;

static inline void cic_jpeg_dest_init(j_compress_ptr cinfo) {
    cic_jpeg_dest *dest = (cic_jpeg_dest *)cinfo->dest;
    dest->pub.next_output_byte = dest->buffer;
    dest->pub.free_in_buffer = dest->capacity;
}

static inline boolean cic_jpeg_dest_empty(j_compress_ptr cinfo) {
    cic_jpeg_dest *dest = (cic_jpeg_dest *)cinfo->dest;
    // libjpeg calls this only when the buffer is completely full.
    size_t used = dest->capacity;
    size_t capacity = dest->capacity * 2;
    uint8_t *grown = (uint8_t *)realloc(dest->buffer, capacity);
    if (grown == NULL) {
        cinfo->err->msg_code = JERR_OUT_OF_MEMORY;
        cinfo->err->error_exit((j_common_ptr)cinfo);
        return FALSE; // not reached
    }
    dest->buffer = grown;
    dest->capacity = capacity;
    dest->pub.next_output_byte = grown + used;
    dest->pub.free_in_buffer = capacity - used;
    return TRUE;
}

static inline void cic_jpeg_dest_term(j_compress_ptr cinfo) { (void)cinfo; }

// Encodes tightly packed RGBA8 (alpha ignored) as baseline JPEG, 4:2:0, at `quality` (1...100).
// On success *out is a malloc'd buffer of *out_len bytes that the caller frees with cic_free.
static inline int cic_jpeg_write_rgba(const uint8_t *pixels, uint32_t width, uint32_t height,
                                      int quality, uint8_t **out, size_t *out_len,
                                      char *msg, size_t msg_len) {
    *out = NULL;
    *out_len = 0;
    cic_jpeg_encoder *e = (cic_jpeg_encoder *)calloc(1, sizeof *e);
    if (e == NULL) {
        cic_copy_message(msg, msg_len, "out of memory");
        return CIC_ERROR;
    }
    // Start near the likely compressed size so a typical image needs few reallocations.
    e->dest.capacity = (size_t)width * height / 4 + 4096;
    e->dest.buffer = (uint8_t *)malloc(e->dest.capacity);
    if (e->dest.buffer == NULL) {
        free(e);
        cic_copy_message(msg, msg_len, "out of memory");
        return CIC_ERROR;
    }
    cic_jpeg_init_error(&e->err);
    e->cinfo.err = &e->err.pub;
    if (setjmp(e->err.jump)) {
        cic_copy_message(msg, msg_len, e->err.message);
        if (e->created) jpeg_destroy_compress(&e->cinfo);
        free(e->dest.buffer);
        free(e);
        return CIC_ERROR;
    }
    jpeg_create_compress(&e->cinfo);
    e->created = 1;
    e->dest.pub.init_destination = cic_jpeg_dest_init;
    e->dest.pub.empty_output_buffer = cic_jpeg_dest_empty;
    e->dest.pub.term_destination = cic_jpeg_dest_term;
    e->cinfo.dest = &e->dest.pub;
    e->cinfo.image_width = width;
    e->cinfo.image_height = height;
    e->cinfo.input_components = 4;
    e->cinfo.in_color_space = JCS_EXT_RGBA;
    jpeg_set_defaults(&e->cinfo);
    jpeg_set_quality(&e->cinfo, quality, TRUE);
    jpeg_start_compress(&e->cinfo, TRUE);
    size_t stride = (size_t)width * 4;
    while (e->cinfo.next_scanline < e->cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + stride * e->cinfo.next_scanline);
        jpeg_write_scanlines(&e->cinfo, &row, 1);
    }
    jpeg_finish_compress(&e->cinfo);
    *out = e->dest.buffer;
    *out_len = e->dest.capacity - e->dest.pub.free_in_buffer;
    jpeg_destroy_compress(&e->cinfo);
    free(e);
    return CIC_OK;
}

#endif
