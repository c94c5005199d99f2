/*
 * ctl_backup.c: "ismsctl backup FILE|-": a hot, compacted copy of ismsd's
 * store (the Backup call, admin only), streamed in chunks, checked
 * against the size and SHA-256 the last chunk carries, and written to a
 * temporary file beside FILE that is renamed into place only once it is
 * whole: FILE is never a half backup. "-" writes the bytes to stdout.
 */
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "ctl.h"
#include "xmalloc.h"

/* One backup being received. */
struct backup_rx {
	int fd;
	EVP_MD_CTX *md;
	uint64_t size;
	bool done, failed;
	char why[600];
	Isms__V1__BackupChunk last; /* the done chunk's totals */
	uint8_t sha[32], head_hash[32];
};

/* Hex of n bytes into out (2n + 1). */
static void
backup_hex(const uint8_t *b, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/* Checks the last chunk's totals against what came. */
static void
backup_check(struct backup_rx *rx, const Isms__V1__BackupChunk *c)
{
	uint8_t got[32];
	unsigned int n = 0;

	EVP_DigestFinal_ex(rx->md, got, &n);
	if (!c->has_size || c->size != rx->size || !c->has_sha256 ||
	    c->sha256.len != 32 || memcmp(c->sha256.data, got, 32) != 0 ||
	    !c->has_head_hash || c->head_hash.len != 32) {
		rx->failed = true;
		snprintf(rx->why, sizeof rx->why,
		         "the backup arrived damaged: %llu bytes, ismsd sent "
		         "%llu, or their SHA-256 differs",
		         (unsigned long long)rx->size,
		         (unsigned long long)c->size);
		return;
	}
	rx->done = true;
	rx->last.head_seq = c->head_seq;
	memcpy(rx->sha, got, 32);
	memcpy(rx->head_hash, c->head_hash.data, 32);
}

/* Each reply of the stream: data, the end, or an error. */
static bool
backup_chunk_cb(const Isms__V1__Reply *r, void *arg)
{
	struct backup_rx *rx = arg;
	const Isms__V1__BackupChunk *c = r->backup;
	size_t off;
	ssize_t w;

	if (r->status != NULL && r->status->has_code &&
	    r->status->code != ISMS__V1__CODE__OK) {
		rx->failed = true;
		snprintf(rx->why, sizeof rx->why, "%s: %s",
		         isms_code_name((int)r->status->code),
		         r->status->message != NULL ? r->status->message : "");
		return true;
	}
	if (r->result_case != ISMS__V1__REPLY__RESULT_BACKUP || rx->failed)
		return rx->failed;
	for (off = 0; c->has_data && off < c->data.len; off += (size_t)w)
		if ((w = write(rx->fd, c->data.data + off,
		               c->data.len - off)) <= 0) {
			rx->failed = true;
			snprintf(rx->why, sizeof rx->why, "write: %s",
			         strerror(errno));
			return true;
		}
	if (c->has_data) {
		EVP_DigestUpdate(rx->md, c->data.data, c->data.len);
		rx->size += c->data.len;
	}
	if (c->has_done && c->done)
		backup_check(rx, c);
	return rx->done || rx->failed;
}

/* Prints what the backup holds: to out, or stderr when the bytes went
 * to stdout. */
static void
backup_report(struct ctl_ctx *ctx, const char *file, struct backup_rx *rx)
{
	FILE *f = strcmp(file, "-") == 0 ? stderr : ctx->out;
	char sha[65], head[65];

	backup_hex(rx->sha, 32, sha);
	backup_hex(rx->head_hash, 32, head);
	if (ctx->format == CTL_FORMAT_JSON) {
		fputs("{\"file\":", f);
		ctl_out_json_string(f, file);
		fprintf(f,
		        ",\"size\":%llu,\"sha256\":\"%s\",\"head_seq\":%llu,"
		        "\"head_hash\":\"%s\"}\n",
		        (unsigned long long)rx->size, sha,
		        (unsigned long long)rx->last.head_seq, head);
	} else
		fprintf(f,
		        "backup %s: %llu bytes, sha256 %s, journal head seq "
		        "%llu hash %s\n",
		        file, (unsigned long long)rx->size, sha,
		        (unsigned long long)rx->last.head_seq, head);
}

/* Receives the backup into rx->fd; 0 or the exit code (printed). */
static int
backup_receive(struct ctl_ctx *ctx, struct backup_rx *rx)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Backup b = ISMS__V1__BACKUP__INIT;
	struct isms_err err = {0};
	int rc;

	req.call_case = ISMS__V1__REQUEST__CALL_BACKUP;
	req.backup = &b;
	if ((rc = ctl_connect(ctx)) != 0)
		return rc;
	if (isms_sync_stream(ctx->sync, &req, backup_chunk_cb, rx, &err) != 0)
		return ctl_error(err.code == ISMS_EUNAVAIL ||
		                         err.code == ISMS_ETIMEDOUT
		                     ? CTL_EXIT_UNAVAIL
		                     : CTL_EXIT_REPLY,
		                 "backup: %s", err.msg);
	if (rx->failed || !rx->done)
		return ctl_error(
		    CTL_EXIT_REPLY, "backup: %s",
		    rx->failed ? rx->why : "the stream ended before its end");
	return 0;
}

/* Makes the temporary file beside file; its path in *tmp. */
static int
backup_tmp(const char *file, char **tmp)
{
	char *copy = xstrdup(file), *base = xstrdup(file);
	int fd;

	*tmp =
	    xasprintf("%s/.%s.partial-XXXXXX", dirname(copy), basename(base));
	free(copy);
	free(base);
	if ((fd = mkstemp(*tmp)) == -1) {
		ctl_error(0, "backup: %s: %s", *tmp, strerror(errno));
		free(*tmp);
		*tmp = NULL;
	}
	return fd;
}

static int
backup_exec(struct ctl_ctx *ctx, const struct ctl_cmd *cmd, int argc,
            char **argv)
{
	struct backup_rx rx = {.fd = STDOUT_FILENO};
	char *tmp = NULL;
	struct ctl_opts o;
	int rc;

	if ((rc = ctl_opts_parse(ctx, "backup", 0, argc - 1, argv + 1, &o)) !=
	        0 ||
	    o.help) {
		if (rc == 0)
			fprintf(ctx->out, "usage: ismsctl %s\n", cmd->usage);
		ctl_opts_free(&o);
		return rc;
	}
	if (o.npos != 1) {
		ctl_opts_free(&o);
		return ctl_error(CTL_EXIT_USAGE, "usage: ismsctl %s",
		                 cmd->usage);
	}
	if (strcmp(o.pos[0], "-") == 0 && isatty(STDOUT_FILENO)) {
		ctl_opts_free(&o);
		return ctl_error(CTL_EXIT_USAGE,
		                 "backup: not writing a binary backup to a "
		                 "terminal; redirect it, or give FILE");
	}
	if (strcmp(o.pos[0], "-") != 0 &&
	    (rx.fd = backup_tmp(o.pos[0], &tmp)) == -1) {
		ctl_opts_free(&o);
		return CTL_EXIT_REPLY;
	}
	if ((rx.md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(rx.md, EVP_sha256(), NULL) != 1)
		rc = ctl_error(CTL_EXIT_REPLY, "backup: no SHA-256");
	else
		rc = backup_receive(ctx, &rx);
	if (tmp != NULL) {
		if (rc == 0 && (fsync(rx.fd) != 0 || close(rx.fd) != 0 ||
		                rename(tmp, o.pos[0]) != 0))
			rc = ctl_error(CTL_EXIT_REPLY, "backup: %s: %s",
			               o.pos[0], strerror(errno));
		else if (rc != 0)
			close(rx.fd);
		if (rc != 0)
			unlink(tmp);
		free(tmp);
	}
	if (rc == 0)
		backup_report(ctx, o.pos[0], &rx);
	EVP_MD_CTX_free(rx.md);
	ctl_opts_free(&o);
	return rc;
}

const struct ctl_cmd ctl_cmd_backup = {
    .name = "backup",
    .usage = "backup FILE|-",
    .help = "a hot, compacted copy of ismsd's store (admin)",
    .detail =
        "ismsd copies one consistent snapshot of its store (LMDB's\n"
        "compacting copy: writers go on meanwhile) and streams it here.\n"
        "The bytes are checked against the size and SHA-256 ismsd sends\n"
        "last, written to a temporary file beside FILE and renamed onto\n"
        "FILE only when whole; '-' writes them to stdout (the summary then\n"
        "goes to stderr). Prints the size, the SHA-256 and the journal head\n"
        "(seq and hash) the copy holds: what 'ismsd --restore FILE\n"
        "--data-dir DIR' serves. The token key (token.key in the data dir)\n"
        "is not in the backup: copy it beside a restore for tokens to stay\n"
        "valid. Admin only.\n",
    .exec = backup_exec,
};
