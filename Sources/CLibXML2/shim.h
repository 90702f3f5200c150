#ifndef SAFEGUARD_CLIBXML2_SHIM_H
#define SAFEGUARD_CLIBXML2_SHIM_H

#include <libxml/xmlversion.h>
// Debian's libxml2 is built with ICU, and its encoding.h then includes ICU's headers, which
// clash with the copy of ICU inside Swift's Foundation. Nothing here uses the ICU converter
// fields that flag adds to xmlCharEncodingHandler (Swift never allocates or reads one), so the
// headers are read without it.
#undef LIBXML_ICU_ENABLED
#include <libxml/xmlreader.h>
#include <libxml/parser.h>

// libxml2's streaming reader (xmlTextReader), as the CIN Census reader uses it. Parse errors
// are caught here instead of reaching stderr: libxml2's messages may quote the text near the
// error, which in a return is a child's details. Only the error's code and line are kept.

typedef struct {
  int code;   // the first error's xmlParserErrors code, 0 when none
  int line;   // its line
  int count;  // errors and warnings seen
} sg_xml_fault;

// libxml2 2.12 made the error argument const.
#if LIBXML_VERSION >= 21200
#define SG_XML_ERROR const xmlError *
#else
#define SG_XML_ERROR xmlErrorPtr
#endif

static inline void sg_xml_record_fault(void *arg, SG_XML_ERROR error) {
  sg_xml_fault *fault = (sg_xml_fault *)arg;
  if (fault == NULL || error == NULL) return;
  fault->count += 1;
  if (error->level >= XML_ERR_ERROR && fault->code == 0) {
    fault->code = error->code;
    fault->line = error->line;
  }
}

/// Sends the reader's errors to `fault` (see above).
static inline void sg_xml_capture_faults(xmlTextReaderPtr reader, sg_xml_fault *fault) {
  xmlTextReaderSetStructuredErrorHandler(reader, sg_xml_record_fault, fault);
}

/// Options for reading a return: no network, no DTD, no entity expansion, line numbers past
/// 65535 kept on text nodes. Blanks between elements are kept: past line 65535 an element's
/// own line is not stored, and the blank text before it says where it starts.
static inline int sg_xml_options(void) {
  return XML_PARSE_NONET | XML_PARSE_COMPACT | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES;
}

/// The line libxml2 keeps on the current node: for an element, the line of its start tag up to
/// 65535 (and 65535 past it); for a text node, the line its text ends on.
static inline long sg_xml_node_line(xmlTextReaderPtr reader) {
  xmlNodePtr node = xmlTextReaderCurrentNode(reader);
  return node == NULL ? 0 : xmlGetLineNo(node);
}

#endif
