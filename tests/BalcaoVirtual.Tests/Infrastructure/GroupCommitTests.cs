using BalcaoVirtual.Web.Infrastructure.Storage;

namespace BalcaoVirtual.Tests.Infrastructure;

public sealed class GroupCommitTests
{
    [Test]
    public async Task CommitAsync_SharesOneCommit_AmongCallersWaitingBehindARunningOne()
    {
        var commits = new List<TaskCompletionSource>();
        var group = new GroupCommit(() => Started(commits));

        var first = group.CommitAsync();
        var second = group.CommitAsync();
        var third = group.CommitAsync();
        commits[0].SetResult();
        await first;

        Assert.That(commits, Has.Count.EqualTo(2), "the callers that asked during the first commit share one more");
        Assert.That(second, Is.SameAs(third));
        commits[1].SetResult();
        await second;
    }

    [Test]
    public async Task CommitAsync_WaitsForACommitStartedAfterIt_WhenOneIsAlreadyRunning()
    {
        var commits = new List<TaskCompletionSource>();
        var group = new GroupCommit(() => Started(commits));

        _ = group.CommitAsync();
        var late = group.CommitAsync();
        commits[0].SetResult();

        Assert.That(late.IsCompleted, Is.False, "the running commit may not hold what the late caller wrote");
        commits[1].SetResult();
        await late;
    }

    [Test]
    public async Task CommitAsync_StartsAFreshCommit_AfterTheLastOneEnded()
    {
        var commits = new List<TaskCompletionSource>();
        var group = new GroupCommit(() => Started(commits));

        var first = group.CommitAsync();
        commits[0].SetResult();
        await first;
        var again = group.CommitAsync();

        Assert.That(commits, Has.Count.EqualTo(2));
        commits[1].SetResult();
        await again;
    }

    [Test]
    public async Task CommitAsync_StillCommitsForLaterCallers_WhenTheRunningCommitFails()
    {
        var commits = new List<TaskCompletionSource>();
        var group = new GroupCommit(() => Started(commits));

        var failing = group.CommitAsync();
        var late = group.CommitAsync();
        commits[0].SetException(new IOException("disk"));

        Assert.That(async () => await failing, Throws.TypeOf<IOException>());
        commits[1].SetResult();
        await late;
    }

    private static Task Started(List<TaskCompletionSource> commits)
    {
        // Continuations run inside SetResult, so the next commit has started when it returns.
        var commit = new TaskCompletionSource();
        commits.Add(commit);
        return commit.Task;
    }
}
