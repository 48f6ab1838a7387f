// zlib, for keeping the saved page of an imported article compressed (Store's ArticleImport/KeptPage.swift).
#include <zlib.h>
