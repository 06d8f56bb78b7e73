using System.Reflection;
using System.Text;

namespace WsAuth.Testing;

/// <summary>
/// A text snapshot of an assembly's public API, one member per line (PublicApiAnalyzers is not available here). Tests
/// compare it with a committed PublicAPI.txt and rewrite that file when WSAUTH_UPDATE_PUBLIC_API=1.
/// </summary>
public static class PublicApiSnapshot
{
    public static void AssertMatches(Assembly assembly, string snapshotPath)
    {
        var actual = Describe(assembly);
        if (Environment.GetEnvironmentVariable("WSAUTH_UPDATE_PUBLIC_API") == "1")
        {
            File.WriteAllText(snapshotPath, actual);
        }

        var expected = File.Exists(snapshotPath) ? File.ReadAllText(snapshotPath).ReplaceLineEndings("\n") : string.Empty;
        Xunit.Assert.True(
            expected == actual,
            $"The public API changed. If that is intended, run the tests with WSAUTH_UPDATE_PUBLIC_API=1 and commit {snapshotPath}.\n" + Diff(expected, actual));
    }

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "WsAuth.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("WsAuth.sln not found above " + AppContext.BaseDirectory);
    }

    public static string Describe(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (var type in assembly.GetExportedTypes())
        {
            var kind = type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct" : type.IsAbstract && type.IsSealed ? "static class" : type.IsSealed ? "sealed class" : type.IsAbstract ? "abstract class" : "class";
            lines.Add($"{kind} {Name(type)}");
            const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var member in type.GetMembers(flags))
            {
                var text = member switch
                {
                    ConstructorInfo c => $"{Name(type)}.ctor({Params(c)})",
                    MethodInfo m when !m.IsSpecialName => $"{Name(type)}.{m.Name}{Generic(m)}({Params(m)}) -> {Name(m.ReturnType)}{(m.IsStatic ? " static" : string.Empty)}{(m.IsVirtual && !m.IsFinal && !type.IsInterface ? " virtual" : string.Empty)}",
                    PropertyInfo p => $"{Name(type)}.{p.Name} {{ {(p.GetMethod?.IsPublic == true ? "get; " : string.Empty)}{(p.SetMethod?.IsPublic == true ? "set; " : string.Empty)}}} -> {Name(p.PropertyType)}",
                    FieldInfo f when type.IsEnum && f.IsStatic => $"{Name(type)}.{f.Name} = {Convert.ToInt64(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)}",
                    FieldInfo f when !type.IsEnum => $"{Name(type)}.{f.Name} -> {Name(f.FieldType)}{(f.IsLiteral ? " = \"" + f.GetRawConstantValue() + "\"" : string.Empty)}",
                    _ => null,
                };
                if (text is not null)
                {
                    lines.Add(text);
                }
            }
        }

        lines.Sort(StringComparer.Ordinal);
        return string.Join('\n', lines) + "\n";
    }

    private static string Diff(string expected, string actual)
    {
        var e = expected.Split('\n').ToHashSet();
        var a = actual.Split('\n').ToHashSet();
        var sb = new StringBuilder();
        foreach (var line in a.Except(e))
        {
            sb.Append("+ ").AppendLine(line);
        }

        foreach (var line in e.Except(a))
        {
            sb.Append("- ").AppendLine(line);
        }

        return sb.ToString();
    }

    private static string Generic(MethodInfo m) => m.IsGenericMethod ? "<" + string.Join(", ", m.GetGenericArguments().Select(Name)) + ">" : string.Empty;

    private static string Params(MethodBase m)
        => string.Join(", ", m.GetParameters().Select(p => $"{(p.GetCustomAttribute<ParamArrayAttribute>() is not null ? "params " : string.Empty)}{Name(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : string.Empty)}"));

    private static string Name(Type t)
    {
        if (t.IsGenericParameter)
        {
            return t.Name;
        }

        var name = t.IsGenericType ? t.Name[..t.Name.IndexOf('`', StringComparison.Ordinal)] : t.Name;
        var ns = t.Namespace is null ? string.Empty : t.Namespace + ".";
        if (t.IsNested)
        {
            ns = Name(t.DeclaringType!) + "+";
        }

        return t.IsGenericType ? $"{ns}{name}<{string.Join(", ", t.GetGenericArguments().Select(Name))}>" : ns + name;
    }
}
