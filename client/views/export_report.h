/*
 * export_report.h: an export as a report document (report.h), one
 * section per register holding a typed table of the export's columns
 * (numbers as numbers, dates as dates, instants as times), for the
 * spreadsheet renderer.
 */
#ifndef ISMS_EXPORT_REPORT_H
#define ISMS_EXPORT_REPORT_H

#include "export_cols.h"
#include "report.h"

/* Adds register reg's records (n) under columns c as a section of r. */
void export_report_section(struct report *r,
                           const ProtobufCFieldDescriptor *reg,
                           const struct export_cols *c,
                           Isms__V1__Record *const *recs, size_t n);

#endif
