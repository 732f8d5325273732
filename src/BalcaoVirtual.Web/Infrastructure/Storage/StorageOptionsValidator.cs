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
}
