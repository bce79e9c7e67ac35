// zlib, for its CRC-32 (hardware-assisted where the CPU has it), used by the streamed fine-tune ZIP.
#include <zlib.h>
