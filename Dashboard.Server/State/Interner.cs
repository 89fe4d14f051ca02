using System.Collections.Concurrent;
using System.Collections.Frozen;

namespace Dashboard.Server.State;

/// <summary>
/// Shares repeated values between cached objects: namespaces, node names, phases, images, and whole label
/// sets (the pods of one ReplicaSet carry the same labels). This is most of what keeps a cached pod small.
/// </summary>
public sealed class Interner
{
    private static readonly IReadOnlyDictionary<string, string> NoLabels = FrozenDictionary<string, string>.Empty;

    private readonly ConcurrentDictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<LabelKey, IReadOnlyDictionary<string, string>> _labelSets = new();
    private readonly ConcurrentDictionary<ListKey, IReadOnlyList<string>> _lists = new();
    private readonly ConcurrentDictionary<object, object> _values = new();

    public string Intern(string value) => _strings.GetOrAdd(value, value);

    public string? InternOrNull(string? value) => value is null ? null : Intern(value);

    /// <summary>One shared instance per distinct value of a small record (pods of one template ask for the same resources).</summary>
    public T? Share<T>(T? value) where T : class => value is null ? null : (T)_values.GetOrAdd(value, value);

    public IReadOnlyDictionary<string, string> Labels(List<KeyValuePair<string, string>>? pairs)
    {
        if (pairs is null || pairs.Count == 0)
        {
            return NoLabels;
        }

        pairs.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var key = new LabelKey(pairs);
        if (_labelSets.TryGetValue(key, out var existing))
        {
            return existing;
        }

        var interned = pairs.ToFrozenDictionary(p => Intern(p.Key), p => Intern(p.Value), StringComparer.Ordinal);
        return _labelSets.GetOrAdd(new LabelKey([.. pairs]), interned);
    }

    public IReadOnlyList<string> List(List<string>? items)
    {
        if (items is null || items.Count == 0)
        {
            return [];
        }

        if (_lists.TryGetValue(new ListKey(items), out var existing))
        {
            return existing;
        }

        string[] interned = [.. items.Select(Intern)];
        return _lists.GetOrAdd(new ListKey([.. interned]), interned);
    }

    private readonly struct ListKey(List<string> items) : IEquatable<ListKey>
    {
        private readonly List<string> _items = items;
        private readonly int _hash = Hash(items);

        private static int Hash(List<string> items)
        {
            var hash = new HashCode();
            foreach (var item in items)
            {
                hash.Add(item, StringComparer.Ordinal);
            }

            return hash.ToHashCode();
        }

        public bool Equals(ListKey other) =>
            _hash == other._hash && _items.Count == other._items.Count &&
            _items.Zip(other._items).All(p => string.Equals(p.First, p.Second, StringComparison.Ordinal));

        public override bool Equals(object? obj) => obj is ListKey other && Equals(other);

        public override int GetHashCode() => _hash;
    }

    private readonly struct LabelKey(List<KeyValuePair<string, string>> pairs) : IEquatable<LabelKey>
    {
        private readonly List<KeyValuePair<string, string>> _pairs = pairs;
        private readonly int _hash = Hash(pairs);

        private static int Hash(List<KeyValuePair<string, string>> pairs)
        {
            var hash = new HashCode();
            foreach (var (key, value) in pairs)
            {
                hash.Add(key, StringComparer.Ordinal);
                hash.Add(value, StringComparer.Ordinal);
            }

            return hash.ToHashCode();
        }

        public bool Equals(LabelKey other)
        {
            if (_hash != other._hash || _pairs.Count != other._pairs.Count)
            {
                return false;
            }

            for (var i = 0; i < _pairs.Count; i++)
            {
                if (!string.Equals(_pairs[i].Key, other._pairs[i].Key, StringComparison.Ordinal) ||
                    !string.Equals(_pairs[i].Value, other._pairs[i].Value, StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }

        public override bool Equals(object? obj) => obj is LabelKey other && Equals(other);

        public override int GetHashCode() => _hash;
    }
}
