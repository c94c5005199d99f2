/*
 * config.h: ismsd's options. One table serves the command line (--name)
 * and the configuration file (INI, `name = value`, optionally under an
 * [ismsd] section, parsed with libinih); flags win over the file. Unknown
 * keys and bad values are errors at start, with file and line.
 */
#ifndef ISMS_CONFIG_H
#define ISMS_CONFIG_H

#include "server.h"

#define CONFIG_DEFAULT_PATH "/etc/ismsd/ismsd.conf"

/* What main should do after parsing. */
enum config_result {
	CONFIG_RUN = 0,
	CONFIG_EXIT_OK = 1,    /* --help or --version was printed */
	CONFIG_EXIT_USAGE = 2, /* an error was printed */
};

/* Sets the defaults, reads the file, then the flags. */
enum config_result config_load(struct server_config *cfg, int argc,
                               char **argv);

/* Frees the strings read from the file (at exit). */
void config_free(void);

/* Fills cfg with the defaults (what config_load starts from). */
void config_defaults(struct server_config *cfg);

#endif
