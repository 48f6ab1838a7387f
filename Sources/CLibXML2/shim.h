// libxml2's HTML parser and tree, for reading saved web pages (Store's ArticleImport/HTML).
//
// Debian's libxml2 is built with ICU, and its encoding.h then includes the system's ICU headers, whose enums clash
// with the ICU copy Foundation carries (_FoundationICU) in any Swift file that sees both. newsdb converts every page to
// UTF-8 itself and never touches libxml2's encoding handlers, so the ICU parts of those headers are left out.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include <libxml/parser.h>
