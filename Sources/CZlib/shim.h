// zlib, for reading the saved pages earlier versions kept with zlib (Store's ArticleImport/KeptPage.swift).
#include <zlib.h>
