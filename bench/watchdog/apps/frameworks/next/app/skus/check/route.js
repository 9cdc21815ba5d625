export const dynamic = 'force-dynamic';

function matchesSkuPattern(sku) {
  return /^(a+)+$/.test(sku);
}

export function GET(request) {
  const sku = new URL(request.url).searchParams.get('sku') ?? '';
  return Response.json({ valid: matchesSkuPattern(sku) });
}
