namespace BalcaoVirtual.Web.Infrastructure.Storage;

/// <summary>
/// For start-up work that found the store away: the service serves meanwhile (readiness says 503), and the work is
/// tried again every <c>every</c> until the store answers or the service stops.
/// </summary>
internal static class StoreRetry
{
    /// <param name="away">Which failures mean the store is still away (any other ends the retries with it).</param>
    public static async Task UntilItAnswersAsync(
        Func<Task> work, Func<Exception, bool> away, TimeSpan every, TimeProvider time, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, time, cancellationToken).ConfigureAwait(false);
                await work().ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (away(ex))
            {
                // still away; the next round tries again
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
