using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CommunitySdk.Internal;

/// <summary>
/// The SDK's loggers come from the host's <see cref="ILoggerFactory"/> when it has one, and are silent otherwise. The
/// SDK registers no logging service of its own: a registration of <c>ILogger&lt;&gt;</c> made before the host's
/// <c>AddLogging</c> would win its <c>TryAdd</c> and silence every logger of the host.
/// </summary>
internal static class SdkLogging
{
    public static ILogger<T> For<T>(ILoggerFactory? factory) => factory is null ? NullLogger<T>.Instance : new Logger<T>(factory);
}
