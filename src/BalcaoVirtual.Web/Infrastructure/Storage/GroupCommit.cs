namespace BalcaoVirtual.Web.Infrastructure.Storage;

/// <summary>
/// Shares one log commit among every caller that asks while the previous one runs. A caller always waits for a commit
/// that started after it asked, so whatever it wrote before asking is on disk when its task ends.
/// </summary>
internal sealed class GroupCommit(Func<Task> commit)
{
    private readonly Lock gate = new();
    private Task? running;
    private Task? next;

    public Task CommitAsync()
    {
        lock (gate)
        {
            if (next is not null)
            {
                return next;
            }

            if (running is null || running.IsCompleted)
            {
                return running = commit();
            }

            return next = AfterAsync(running);
        }
    }

    private async Task AfterAsync(Task previous)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Task mine;
        lock (gate)
        {
            // From here on a new caller may have written after this commit starts: it waits for the one after.
            mine = commit();
            running = mine;
            next = null;
        }

        await mine.ConfigureAwait(false);
    }
}
