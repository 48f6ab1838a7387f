// Zstandard, for the database inside a snapshot (Store's Snapshot/): fast to compress and several times faster to
// decompress than deflate, so a clone is bound by the disk rather than the codec.
#include <zstd.h>
