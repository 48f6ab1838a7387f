// libxml2's HTML parser and tree, for reading saved web pages (Store's ArticleImport/HTML).
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include <libxml/parser.h>
