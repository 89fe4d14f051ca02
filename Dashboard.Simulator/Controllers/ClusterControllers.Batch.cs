using System.Globalization;
using System.Text.Json.Nodes;
using Dashboard.Simulator.Store;

namespace Dashboard.Simulator.Controllers;

/// <summary>Jobs (pods that run to completion) and CronJobs (Jobs on a schedule).</summary>
internal sealed partial class ClusterControllers
{
    private void ReconcileJob(string ns, string name)
    {
        var stored = _store.Get(BuiltInKinds.Job, ns, name);
        if (stored is null)
        {
            return;
        }

        var job = stored.ToNode();
        var completions = Nodes.Int(job, 1, "spec", "completions");
        var parallelism = Nodes.Int(job, 1, "spec", "parallelism");
        var pods = _store.OwnedBy(stored.Uid).Where(o => o.Kind == BuiltInKinds.Pod).ToList();
        var succeeded = pods.Count(p => p.Field("status.phase") == "Succeeded");
        var active = pods.Count(p => p.Field("status.phase") is "Pending" or "Running");
        var done = succeeded >= completions;
        if (!done && job["status"]?["completionTime"] is null)
        {
            for (var i = active; i < Math.Min(parallelism, completions - succeeded); i++)
            {
                var pod = CreatePodFromTemplate(stored, job, $"{name}-{RandomSuffix()}", null, p =>
                {
                    var labels = Nodes.Obj(p["metadata"]!, "labels");
                    labels["batch.kubernetes.io/job-name"] = name;
                    labels["job-name"] = name;
                    labels["batch.kubernetes.io/controller-uid"] = stored.Uid;
                });
                if (pod is not null)
                {
                    Events.Emit(stored, "Normal", "SuccessfulCreate", $"Created pod: {pod.Name}", "job-controller");
                    active++;
                }
            }
        }

        var now = _store.Now();
        var completedNow = false;
        _store.Mutate(BuiltInKinds.Job, ns, name, j =>
        {
            var status = Nodes.Obj(j, "status");
            var before = status.ToJsonString();
            status["startTime"] ??= now;
            status["active"] = done ? null : active;
            if (done || active == 0)
            {
                status.Remove("active");
            }

            status["succeeded"] = succeeded;
            status["ready"] = pods.Count(p => p.Ready);
            if (done && status["completionTime"] is null)
            {
                status["completionTime"] = now;
                Nodes.SetCondition(status, "SuccessCriteriaMet", "True", "CompletionsReached", "Reached expected number of succeeded pods", now);
                Nodes.SetCondition(status, "Complete", "True", "CompletionsReached", "Reached expected number of succeeded pods", now);
                completedNow = true;
            }

            return status.ToJsonString() != before;
        });
        if (completedNow)
        {
            Events.Emit(stored, "Normal", "Completed", "Job completed", "job-controller");
        }
    }

    private void RunCronJobs(DateTimeOffset now)
    {
        foreach (var cron in _store.All(BuiltInKinds.CronJob))
        {
            var node = cron.ToNode();
            if (node["spec"]?["suspend"] is JsonValue s && s.TryGetValue<bool>(out var suspended) && suspended)
            {
                continue;
            }

            var schedule = Nodes.Str(node, "spec", "schedule") ?? "";
            var last = DateTimeOffset.Parse(Nodes.Str(node, "status", "lastScheduleTime") ?? Nodes.Str(node, "metadata", "creationTimestamp")!, CultureInfo.InvariantCulture);
            var next = Cron.Next(schedule, last);
            if (next is null || next > now)
            {
                continue;
            }

            var scheduled = next.Value;
            var jobName = $"{cron.Name}-{scheduled.ToUnixTimeSeconds() / 60}";
            var job = new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["name"] = jobName,
                    ["namespace"] = cron.Namespace,
                    ["labels"] = node["spec"]?["jobTemplate"]?["metadata"]?["labels"]?.DeepClone(),
                    ["annotations"] = new JsonObject { ["batch.kubernetes.io/cronjob-scheduled-timestamp"] = Nodes.Stamp(scheduled) },
                    ["ownerReferences"] = new JsonArray(Nodes.OwnerReference("batch/v1", "CronJob", cron.Name, cron.Uid)),
                },
                ["spec"] = node["spec"]?["jobTemplate"]?["spec"]?.DeepClone(),
            };
            if (TryCreate(BuiltInKinds.Job, job) is { } created)
            {
                Events.Emit(cron, "Normal", "SuccessfulCreate", $"Created job {created.Name}", "cronjob-controller");
            }

            var history = Nodes.Int(node, 3, "spec", "successfulJobsHistoryLimit");
            var jobs = _store.OwnedBy(cron.Uid).Where(o => o.Kind == BuiltInKinds.Job).OrderByDescending(o => o.Name, StringComparer.Ordinal).ToList();
            foreach (var old in jobs.Skip(history + 1))
            {
                TryDelete(BuiltInKinds.Job, old.Namespace, old.Name);
                Events.Emit(cron, "Normal", "SuccessfulDelete", $"Deleted job {old.Name}", "cronjob-controller");
            }

            _store.Mutate(BuiltInKinds.CronJob, cron.Namespace, cron.Name, c =>
            {
                var status = Nodes.Obj(c, "status");
                status["lastScheduleTime"] = Nodes.Stamp(scheduled);
                status["active"] = new JsonArray(new JsonObject { ["kind"] = "Job", ["namespace"] = cron.Namespace, ["name"] = jobName, ["apiVersion"] = "batch/v1" });
                return true;
            });
        }
    }
}

/// <summary>Five-field cron schedules: numbers, '*', '*/n', ranges and lists.</summary>
internal static class Cron
{
    public static DateTimeOffset? Next(string schedule, DateTimeOffset after)
    {
        var fields = schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5)
        {
            return null;
        }

        var t = new DateTimeOffset(after.Year, after.Month, after.Day, after.Hour, after.Minute, 0, TimeSpan.Zero).AddMinutes(1);
        for (var i = 0; i < 60 * 24 * 32; i++, t = t.AddMinutes(1))
        {
            if (Matches(fields[0], t.Minute, 0) && Matches(fields[1], t.Hour, 0) && Matches(fields[2], t.Day, 1)
                && Matches(fields[3], t.Month, 1) && Matches(fields[4], (int)t.DayOfWeek, 0))
            {
                return t;
            }
        }

        return null;
    }

    private static bool Matches(string field, int value, int min)
    {
        foreach (var part in field.Split(','))
        {
            var step = 1;
            var range = part;
            var slash = part.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0)
            {
                step = int.Parse(part[(slash + 1)..], CultureInfo.InvariantCulture);
                range = part[..slash];
            }

            int from;
            int to;
            if (range == "*")
            {
                from = min;
                to = int.MaxValue;
            }
            else if (range.Contains('-', StringComparison.Ordinal))
            {
                var bounds = range.Split('-');
                from = int.Parse(bounds[0], CultureInfo.InvariantCulture);
                to = int.Parse(bounds[1], CultureInfo.InvariantCulture);
            }
            else
            {
                from = int.Parse(range, CultureInfo.InvariantCulture);
                to = slash >= 0 ? int.MaxValue : from;
            }

            if (value >= from && value <= to && (value - from) % step == 0)
            {
                return true;
            }
        }

        return false;
    }
}
