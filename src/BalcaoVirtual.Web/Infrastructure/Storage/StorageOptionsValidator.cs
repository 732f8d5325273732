using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Infrastructure.Storage;

internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        if (options.Mode == StorageMode.Redis && string.IsNullOrWhiteSpace(options.Redis))
        {
            return ValidateOptionsResult.Fail(
                "Storage:Redis must hold a Redis connection string (e.g. 'localhost:6379') when Storage:Mode is Redis.");
        }

        if (options.Mode == StorageMode.Embedded && string.IsNullOrWhiteSpace(options.DataDir))
        {
            return ValidateOptionsResult.Fail("Storage:DataDir must name a folder when Storage:Mode is Embedded.");
        }

        if (options.Mode == StorageMode.Embedded && ParseSize(options.MemorySize) is { } memory && ParseSize(options.PageSize) is { } page && memory < 2 * page)
        {
            return ValidateOptionsResult.Fail($"Storage:MemorySize ({options.MemorySize}) must be at least twice Storage:PageSize ({options.PageSize}).");
        }

        if (options.Mode == StorageMode.Embedded && ParseSize(options.AofMemorySize) is { } aof && ParseSize(options.PageSize) is { } pageSize && aof < 4 * pageSize)
        {
            return ValidateOptionsResult.Fail($"Storage:AofMemorySize ({options.AofMemorySize}) must be at least four times Storage:PageSize ({options.PageSize}).");
        }

        if (options.Mode == StorageMode.Embedded && options.ReplicasToWait > 0)
        {
            return ValidateOptionsResult.Fail("Storage:ReplicasToWait applies to an external Redis with replicas; the embedded store has none (set it to 0).");
        }

        if (options.Mode == StorageMode.Redis)
        {
            try
            {
                _ = StackExchange.Redis.ConfigurationOptions.Parse(options.Redis!);
            }
            catch (ArgumentException ex)
            {
                return ValidateOptionsResult.Fail($"Storage:Redis is not a valid connection string: {ex.Message}");
            }
        }

        return ValidateOptionsResult.Success;
    }

    /// <summary>Garnet's size notation: a number, optionally followed by k, m or g.</summary>
    internal static long? ParseSize(string? text)
    {
        if (string.IsNullOrEmpty(text) || !long.TryParse(text.TrimEnd('k', 'K', 'm', 'M', 'g', 'G'), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
        {
            return null;
        }

        return char.ToLowerInvariant(text[^1]) switch
        {
            'k' => n << 10,
            'm' => n << 20,
            'g' => n << 30,
            _ => n,
        };
    }
}
