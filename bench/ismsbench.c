/*
 * ismsbench.c: load and latency benchmarks against a running ismsd, with
 * libismsclient only.
 *
 *	ismsbench [--endpoint URL] MODE [options] [-- CMD ARGS...]
 *
 * Modes are rows of bench_modes: a name, a help line and the function
 * that measures, one bench_<mode>.c each. The http-* modes go through
 * ismsd-http (plain HTTP on loopback) with libevent's evhttp client.
 */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "ismsclient.h"

static const struct bench_mode bench_modes[] = {
    {"watch",
     "N subscribers, one writer: commit ack -> event at the last "
     "subscriber",
     bench_watch},
    {"put", "create realistic risks: send -> durable reply", bench_put},
    {"get", "create --records risks, then get them at random", bench_get},
    {"list", "create --records risks, then walk pages of 100", bench_list},
    {"due", "time the Due RPC (items due within a day)", bench_due},
    {"raw", "in-process records_put into LMDB, --batch per txn: the ceiling",
     bench_raw},
    {"spawn", "time a whole process: spawn -- CMD ARGS...", bench_spawn, true},
    {"conns", "hold --clients connections; the daemon's heap before and with",
     bench_conns},
    {"ingest", "push incidents with the Ingest RPC, half repeats of keys",
     bench_ingest},
    {"http-paths",
     "GET each of --paths from ismsd-http in turn (a page's calls)",
     bench_http_paths},
    {"http-ingest",
     "POST /v1/hooks/incident to ismsd-http (--url, --token), half repeats",
     bench_http_ingest},
    {"http-get", "create one risk, then GET /v1/risk/{id} from ismsd-http",
     bench_http_get},
    {"http-dash", "create --records risks, then GET /v1/dashboard",
     bench_http_dash},
};

#define BENCH_NMODES (sizeof bench_modes / sizeof bench_modes[0])

/* Prints the usage text. */
static void
usage(FILE *f)
{
	size_t i;

	fputs("usage: ismsbench [--endpoint URL] MODE [options]\n\nModes:\n",
	      f);
	for (i = 0; i < BENCH_NMODES; i++)
		fprintf(f, "  %-11s %s\n", bench_modes[i].name,
		        bench_modes[i].help);
	fputs("\nOptions:\n"
	      "  --endpoint URL     default $ISMS_ENDPOINT, else "
	      "" ISMS_DEFAULT_ENDPOINT "\n"
	      "  --subscribers N    watch: subscriber connections (1000)\n"
	      "  --count N          operations timed (1000)\n"
	      "  --rate R           operations per second, 0 = flat out "
	      "(100)\n"
	      "  --threads T        client event loop threads (1)\n"
	      "  --timeout S        wait for late events at the end (30)\n"
	      "  --clients N        put/get/list/due/conns/ingest/http-*: "
	      "connections (1)\n"
	      "  --inflight N       requests in flight per connection (1)\n"
	      "  --duration S       run S seconds instead of --count\n"
	      "  --records N        get/list: risks created first (1000)\n"
	      "  --batch N          raw: records per write txn (1)\n"
	      "  --data-dir DIR     raw: data dir (default: a temp dir)\n"
	      "  --prepare N        raw: write N risks into --data-dir, "
	      "100 due tomorrow\n"
	      "  --url URL          http-*: ismsd-http, plain HTTP "
	      "(http://127.0.0.1:8080)\n"
	      "  --token TOKEN      http-*: the bearer token (default "
	      "$ISMS_TOKEN)\n"
	      "  --cookie SECRET    http-*: send the isms_session cookie "
	      "instead\n"
	      "  --paths P1,P2,...  http-paths: the GETs, in turn\n"
	      "  --json             one JSON object instead of text\n",
	      f);
}

/* Parses a positive number option; exits 2 when malformed. */
static double
number(const char *name, const char *s, double min)
{
	char *end;
	double v = strtod(s, &end);

	if (*s == '\0' || *end != '\0' || v < min) {
		fprintf(stderr,
		        "ismsbench: %s expects a number >= %g, got "
		        "'%s'\n",
		        name, min, s);
		exit(2);
	}
	return v;
}

/* Runs the mode named on the command line. */
int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"endpoint", required_argument, NULL, 'e'},
	    {"subscribers", required_argument, NULL, 's'},
	    {"count", required_argument, NULL, 'c'},
	    {"rate", required_argument, NULL, 'r'},
	    {"threads", required_argument, NULL, 't'},
	    {"timeout", required_argument, NULL, 'T'},
	    {"json", no_argument, NULL, 'j'},
	    {"clients", required_argument, NULL, 'C'},
	    {"inflight", required_argument, NULL, 'i'},
	    {"duration", required_argument, NULL, 'd'},
	    {"records", required_argument, NULL, 'R'},
	    {"batch", required_argument, NULL, 'b'},
	    {"data-dir", required_argument, NULL, 'D'},
	    {"prepare", required_argument, NULL, 'p'},
	    {"url", required_argument, NULL, 'u'},
	    {"token", required_argument, NULL, 'k'},
	    {"cookie", required_argument, NULL, 'K'},
	    {"paths", required_argument, NULL, 'P'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct bench_opts o = {.subscribers = 1000,
	                       .count = 1000,
	                       .rate = 100,
	                       .threads = 1,
	                       .timeout_s = 30,
	                       .clients = 1,
	                       .inflight = 1,
	                       .records = 1000,
	                       .batch = 1,
	                       .url = "http://127.0.0.1:8080",
	                       .token = getenv("ISMS_TOKEN")};
	struct bench_result r = {0};
	const struct bench_mode *mode = NULL;
	const char *env = getenv("ISMS_ENDPOINT");
	size_t i;
	int ch, rc;

	signal(SIGPIPE, SIG_IGN);
	o.endpoint = env != NULL && *env != '\0' ? env : ISMS_DEFAULT_ENDPOINT;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'e':
			o.endpoint = optarg;
			break;
		case 's':
			o.subscribers =
			    (unsigned)number("--subscribers", optarg, 1);
			break;
		case 'c':
			o.count = (unsigned)number("--count", optarg, 1);
			break;
		case 'r':
			o.rate = number("--rate", optarg, 0);
			break;
		case 't':
			o.threads = (unsigned)number("--threads", optarg, 1);
			break;
		case 'T':
			o.timeout_s = (unsigned)number("--timeout", optarg, 1);
			break;
		case 'j':
			o.json = true;
			break;
		case 'C':
			o.clients = (unsigned)number("--clients", optarg, 1);
			break;
		case 'i':
			o.inflight = (unsigned)number("--inflight", optarg, 1);
			break;
		case 'd':
			o.duration_s = number("--duration", optarg, 0);
			break;
		case 'R':
			o.records = (unsigned)number("--records", optarg, 1);
			break;
		case 'b':
			o.batch = (unsigned)number("--batch", optarg, 1);
			break;
		case 'D':
			o.data_dir = optarg;
			break;
		case 'p':
			o.prepare = (unsigned)number("--prepare", optarg, 1);
			break;
		case 'u':
			o.url = optarg;
			break;
		case 'k':
			o.token = optarg;
			break;
		case 'K':
			o.cookie = optarg;
			break;
		case 'P':
			o.paths = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	for (i = 0; optind < argc && i < BENCH_NMODES; i++)
		if (strcmp(argv[optind], bench_modes[i].name) == 0)
			mode = &bench_modes[i];
	if (mode != NULL && mode->argv)
		o.argv = argv + optind + 1;
	if (mode == NULL || (optind + 1 != argc && !mode->argv)) {
		usage(stderr);
		return 2;
	}
	if ((rc = mode->run(&o, &r)) == 0)
		bench_print(stdout, mode->name, &o, &r);
	free(r.lat_ms);
	return rc == 0 ? 0 : 1;
}
