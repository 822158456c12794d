using System.Security.Cryptography;

namespace Kabar.Campaigns;

/// <summary>Deterministic assignment of a contact to a variant: the same answer in every process, every time.</summary>
internal static class VariantAssignment
{
    public static ExperimentVariant Assign(Guid experimentId, Guid contactId, IReadOnlyList<ExperimentVariant> variants)
    {
        Span<byte> input = stackalloc byte[32];
        experimentId.TryWriteBytes(input[..16]);
        contactId.TryWriteBytes(input[16..]);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        var draw = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(hash) / (ulong.MaxValue + 1.0);
        var total = variants.Sum(v => (long)v.Weight);
        var point = draw * total;
        var upTo = 0L;
        foreach (var v in variants)
        {
            upTo += v.Weight;
            if (point < upTo)
            {
                return v;
            }
        }

        return variants[^1];
    }
}
