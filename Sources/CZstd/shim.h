// Zstandard, for the database inside a snapshot (Store's Snapshot/): fast to compress and several times faster to
// decompress than deflate, so a clone is bound by the disk rather than the codec; and for the saved page kept with
// an imported article (ArticleImport/KeptPage.swift).
#include <zstd.h>
