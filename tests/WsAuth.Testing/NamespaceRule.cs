using System.Reflection;
using System.Runtime.CompilerServices;

namespace WsAuth.Testing;

/// <summary>
/// WsAuth's one namespace rule (CONTRIBUTING.md), for every server package: a public type is in <c>WsAuth</c>, or, for an
/// extension class, in the namespace of what it extends (<c>Microsoft.Extensions.DependencyInjection</c>,
/// <c>Microsoft.AspNetCore.Builder</c>, <c>Microsoft.AspNetCore.Http</c>), as ASP.NET Core does; every other type is in
/// the package's internal namespace, whatever its folder: <c>WsAuth.Internal</c> in WsAuth and for the sources every
/// package shares (src/Shared), <c>WsAuth.Postgres</c> and <c>WsAuth.Redis</c> in the store packages, so that a log
/// category names the package it comes from. Folders group a feature's files; namespaces say who a type is for.
/// </summary>
public static class NamespaceRule
{
    private static readonly string[] PublicNamespaces =
    [
        "WsAuth",
        "Microsoft.Extensions.DependencyInjection",
        "Microsoft.AspNetCore.Builder",
        "Microsoft.AspNetCore.Http",
    ];

    /// <summary>Every top-level type of <paramref name="assembly"/> that breaks the rule, with where it is and where it belongs.</summary>
    /// <param name="assembly">The package.</param>
    /// <param name="internalNamespace">Its internal namespace: <c>WsAuth.Internal</c>, <c>WsAuth.Postgres</c> or <c>WsAuth.Redis</c>.</param>
    public static IReadOnlyList<string> Violations(Assembly assembly, string internalNamespace = "WsAuth.Internal")
    {
        var violations = new List<string>();
        foreach (var type in assembly.GetTypes())
        {
            if (type.IsNested || IsGenerated(type))
            {
                continue;
            }

            if (type.IsPublic)
            {
                if (!PublicNamespaces.Contains(type.Namespace))
                {
                    violations.Add($"public {type.FullName}: belongs in WsAuth (or the namespace it extends)");
                }
            }
            else if (type.Namespace != internalNamespace && type.Namespace != "WsAuth.Internal")
            {
                violations.Add($"internal {type.FullName}: belongs in {internalNamespace}");
            }
        }

        return violations;
    }

    private static bool IsGenerated(Type type)
        => type.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false)
            || type.Name.StartsWith('<')
            || type.Namespace is null
            || type.Namespace.StartsWith("System.", StringComparison.Ordinal)
            || type.Namespace.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal)
            || type.Namespace.StartsWith("Microsoft.Extensions.Logging.Generated", StringComparison.Ordinal);
}
