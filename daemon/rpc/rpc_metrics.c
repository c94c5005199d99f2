/* rpc_metrics.c: MetricRecord and MetricValues: a metric's measurements. */
#include "measures.h"
#include "pbfield.h"
#include "records.h"
#include "rpc.h"
#include "server.h"

int
rpc_metric_record_check(const void *body, struct rpc_call *call)
{
	const Isms__V1__MetricRecord *mr = body;

	if (mr->metric == NULL || mr->metric[0] == '\0')
		return isms_err_set(&call->err, ISMS_EINVAL,
		                    "metric_record.metric is required");
	if (!mr->has_value)
		return isms_err_set(&call->err, ISMS_EINVAL,
		                    "metric_record.value is required");
	return 0;
}

int
rpc_metric_record_apply(struct store_txn *txn, const void *body, void *result,
                        struct rpc_call *call)
{
	struct records_actor who = {call->actor, call->now};
	Isms__V1__Measurement *m = NULL;
	char today[11];
	int rc;

	server_today(today);
	rc = measures_record(txn, body, &who, today, &m, &call->err);
	if (rc == 0)
		pb_move(result, &m->base);
	return rc;
}

int
rpc_metric_values_read(struct store_txn *txn, const void *body, void *result,
                       struct rpc_call *call)
{
	return measures_values(txn, body, result, &call->err);
}
