/*
 * fieldelem.h: one element of a list of records (a repeated message field
 * such as scope.exclusions) written on the command line, for every such
 * field alike, from its descriptor:
 *
 *   exclusions+='what=A.7.4;justification=No premises'   adds one
 *   exclusions='what=A.7.4;justification=...'            replaces the list
 *   exclusions-='what=A.7.4'    removes the elements holding these values
 *   exclusions-=#2              removes the second element
 *   exclusions=                 clears the list
 *
 * Subfields are "name=value" separated by ';' (a ';' in a value is
 * written '\;'); values are read as in field=value (enum names, yes/no,
 * ISO 8601 instants). Get shows an element the same way.
 */
#ifndef ISMS_CTL_FIELDELEM_H
#define ISMS_CTL_FIELDELEM_H

#include <stdbool.h>
#include <stddef.h>

#include "errcode.h"
#include "pbfield.h"

/* Whether fd is a list of records (a repeated message field). */
bool ctl_elem_is_list(const ProtobufCFieldDescriptor *fd);

/*
 * Parses text ("what=A.7.4;justification=...") into a new element of list
 * field fd (named name in errors). *out is freed with
 * protobuf_c_message_free_unpacked(*out, NULL). -ISMS_EINVAL with err.
 */
int ctl_elem_parse(const ProtobufCFieldDescriptor *fd, const char *name,
                   const char *text, ProtobufCMessage **out,
                   struct isms_err *err);

/* Appends el (owned by m from then on) to list field fd of m, unless an
 * equal element is there (then el is freed). */
void ctl_elem_append(ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd,
                     ProtobufCMessage *el);

/* Removes from list field fd of m the elements text names ("#N", or the
 * subfield values they hold). -ISMS_EINVAL when none does. */
int ctl_elem_remove(ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd,
                    const char *name, const char *text, struct isms_err *err);

/* An element as text: "what=A.7.4; justification=No premises", malloc'ed. */
char *ctl_elem_text(const ProtobufCMessage *el);

/* "what=...;justification=..." for fd's element type, into buf. */
void ctl_elem_template(const ProtobufCFieldDescriptor *fd, char *buf,
                       size_t len);

#endif
