using BalcaoVirtual.Web.Infrastructure.Storage;

namespace BalcaoVirtual.Tests.Infrastructure;

public sealed class StorageOptionsValidatorTests
{
    private readonly StorageOptionsValidator validator = new();

    [Test]
    public void Validate_Succeeds_ForDefaults() =>
        Assert.That(validator.Validate(null, new StorageOptions()).Succeeded, Is.True);

    [Test]
    public void Validate_Fails_NamingKey_WhenRedisModeHasNoConnectionString() =>
        Assert.That(validator.Validate(null, new StorageOptions { Mode = StorageMode.Redis }).FailureMessage, Does.Contain("Storage:Redis"));

    [Test]
    public void Validate_Fails_NamingKeys_WhenMemoryIsSmallerThanTwoPages() =>
        Assert.That(
            validator.Validate(null, new StorageOptions { MemorySize = "4m", PageSize = "4m" }).FailureMessage,
            Does.Contain("Storage:MemorySize").And.Contain("Storage:PageSize"));

    [Test]
    public void Validate_Fails_NamingKey_WhenLogBufferIsTooSmallForItsPages() =>
        Assert.That(
            validator.Validate(null, new StorageOptions { AofMemorySize = "8m", PageSize = "4m" }).FailureMessage,
            Does.Contain("Storage:AofMemorySize"));

    [Test]
    public void Validate_Fails_NamingKey_WhenTheEmbeddedStoreIsToldToWaitForReplicas()
    {
        Assert.That(validator.Validate(null, new StorageOptions { ReplicasToWait = 1 }).FailureMessage, Does.Contain("Storage:ReplicasToWait"));
        Assert.That(validator.Validate(null, new StorageOptions { Mode = StorageMode.Redis, Redis = "a:26379,serviceName=balcao", ReplicasToWait = 1 }).Succeeded, Is.True);
    }

    [TestCase("512", 512L)]
    [TestCase("4k", 4096L)]
    [TestCase("32m", 32L << 20)]
    [TestCase("1G", 1L << 30)]
    [TestCase("lots", null)]
    public void ParseSize_ReadsGarnetSizes(string text, long? expected) =>
        Assert.That(StorageOptionsValidator.ParseSize(text), Is.EqualTo(expected));
}
