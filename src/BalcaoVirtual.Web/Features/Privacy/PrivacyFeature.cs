using Hangfire;
using BalcaoVirtual.Web.Infrastructure.Jobs;
using BalcaoVirtual.Web.Infrastructure;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Privacy;

public static class PrivacyFeature
{
    public static IServiceCollection AddPrivacy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddStrictOptions<PrivacyOptions, PrivacyOptionsValidator>(configuration, PrivacyOptions.Section);
        services.AddSingleton<PrivacyNotices>();
        services.AddHttpContextAccessor();
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<Anonymizer>();
        services.AddSingleton<DataSubjectRequests>();
        services.AddTransient<RetentionJob>();
        if (Sla.SlaFeature.RunsJobs(configuration))
        {
            services.AddRecurringJob(RetentionJob.JobId, sp => recurring =>
                recurring.AddOrUpdate<RetentionJob>(RetentionJob.JobId, Sla.SlaJobs.Queue, j => j.RunAsync(), sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<PrivacyOptions>>().Value.RetentionCron));
        }

        return services;
    }
}

internal sealed class PrivacyOptionsValidator : IValidateOptions<PrivacyOptions>
{
    public ValidateOptionsResult Validate(string? name, PrivacyOptions options)
    {
        var failures = new List<string>();
        foreach (var (key, notice) in options.Courts.Select(c => ($"Privacy:Courts:{c.Key}", c.Value)).Prepend(("Privacy:Notice", options.Notice)))
        {
            if (string.IsNullOrWhiteSpace(notice.Version) || notice.Version.Length > 40)
            {
                failures.Add($"{key}:Version is required (up to 40 characters, e.g. '2026-11'): it tells which notice each contact got.");
            }

            if (notice.PolicyUrl is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("https" or "http")))
            {
                failures.Add($"{key}:PolicyUrl must be an absolute http(s) URL.");
            }
        }

        if (options.ClosedRetention < TimeSpan.FromDays(1) || options.ClosedRetention > TimeSpan.FromDays(10 * 365))
        {
            failures.Add("Privacy:ClosedRetention must be from 1.00:00:00 (a day) to 3650.00:00:00 (ten years).");
        }

        if (!Sla.SlaOptionsValidator.LooksLikeCron(options.RetentionCron))
        {
            failures.Add($"Privacy:RetentionCron '{options.RetentionCron}' is not a cron expression such as '30 3 * * *'.");
        }

        if (options.RetentionBatch is < 1 or > 100_000)
        {
            failures.Add("Privacy:RetentionBatch must be from 1 to 100000.");
        }

        if (options.AuditRetention < TimeSpan.FromDays(30) || options.AuditRetention > TimeSpan.FromDays(20 * 365))
        {
            failures.Add("Privacy:AuditRetention must be from 30.00:00:00 (30 days) to 7300.00:00:00 (20 years).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
