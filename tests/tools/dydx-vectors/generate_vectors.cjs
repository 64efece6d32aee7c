// Generates nzeza's dYdX v4 golden transaction vectors with the OFFICIAL JavaScript client
// (@dydxprotocol/v4-client-js, pinned in package.json / package-lock.json), fully offline:
// no node, no indexer, no network — account number, sequence, height and chain id are fixed
// inputs here, exactly as the C++ signer receives them.
//
//   cd tests/tools/dydx-vectors && npm ci --ignore-scripts && node generate_vectors.cjs \
//       > ../../data/dydx/golden_tx_vectors.json
//
// Every byte string in the output comes from the official code path:
//   Composer.composeMsgPlaceOrder / composeMsgCancelOrder   (message shape)
//   calculateQuantums / calculateSubticks                    (size/price -> integers)
//   LocalWallet.fromMnemonic(...).signTransaction(...)       (TxBody, AuthInfo, SignDoc, TxRaw)
// The SignDoc is rebuilt from the TxRaw's body/auth_info bytes with cosmjs makeSignDoc (the
// same call TransactionSigner makes) so the test can compare the exact signed bytes too.
'use strict';

const path = require('path');
const crypto = require('crypto');

const pkgDir = path.dirname(require.resolve('@dydxprotocol/v4-client-js/package.json'));
const cjs = (rel) => require(path.join(pkgDir, 'build/cjs/src', rel));

const { LocalWallet } = cjs('index.js');
const { Composer } = cjs('clients/modules/composer.js');
const { calculateQuantums, calculateSubticks } = cjs('clients/helpers/chain-helpers.js');
const { Order_Side, Order_TimeInForce } = cjs('clients/modules/proto-includes.js');
const { TxRaw } = require(require.resolve('cosmjs-types/cosmos/tx/v1beta1/tx', { paths: [pkgDir] }));
const { makeSignDoc } = require(require.resolve('@cosmjs/proto-signing', { paths: [pkgDir] }));
const { SignDoc } = require(require.resolve('cosmjs-types/cosmos/tx/v1beta1/tx', { paths: [pkgDir] }));
const { Bip39, EnglishMnemonic } = require(require.resolve('@cosmjs/crypto', { paths: [pkgDir] }));

const hex = (u8) => Buffer.from(u8).toString('hex');

// Our own wallet: entropy = SHA-256("nzeza dydx golden vectors v1") -> 24-word mnemonic.
const entropy = crypto.createHash('sha256').update('nzeza dydx golden vectors v1').digest();
const mnemonic = Bip39.encode(entropy).toString();

// Market metadata (the shape of indexer /v4/perpetualMarkets; our own values).
const markets = {
  'BTC-USD': { clobPairId: 0, atomicResolution: -10, quantumConversionExponent: -9,
               stepBaseQuantums: 1000000, subticksPerTick: 100000 },
  'ETH-USD': { clobPairId: 1, atomicResolution: -9, quantumConversionExponent: -9,
               stepBaseQuantums: 1000000, subticksPerTick: 100000 },
};

const CHAIN_ID = 'dydx-testnet-4';
const ACCOUNT_NUMBER = 33067;
const HEIGHT = 12345678;
const ZERO_FEE = { amount: [], gas: '1000000' };
const PAID_FEE = { amount: [{ denom: 'adv4tnt', amount: '5000000000000000' }], gas: '250000' };

function qs(market, size, price) {
  const m = markets[market];
  return {
    quantums: calculateQuantums(size, m.atomicResolution, m.stepBaseQuantums),
    subticks: calculateSubticks(price, m.atomicResolution, m.quantumConversionExponent,
                                m.subticksPerTick),
  };
}

async function main() {
  const wallet = await LocalWallet.fromMnemonic(mnemonic, 'dydx');
  const composer = new Composer();
  const address = wallet.address;

  const cases = [];

  // 1. short-term limit buy, BTC-USD, good-til-block = height + 20, high-bit client id.
  {
    const { quantums, subticks } = qs('BTC-USD', 0.0125, 64123);
    cases.push({
      name: 'short_term_buy', sequence: 0, fee: ZERO_FEE, memo: '',
      input: { kind: 'place', market: 'BTC-USD', subaccount_number: 0, client_id: 2147483649,
               order_flags: 0, good_til_block: HEIGHT + 20, good_til_block_time: 0, side: 'BUY',
               size: '0.0125', price: '64123', time_in_force: 'UNSPECIFIED', reduce_only: false,
               client_metadata: 0 },
      msg: composer.composeMsgPlaceOrder(address, 0, 2147483649, 0, 0, HEIGHT + 20, 0,
        Order_Side.SIDE_BUY, quantums, subticks, Order_TimeInForce.TIME_IN_FORCE_UNSPECIFIED,
        false, 0),
      quantums, subticks,
    });
  }
  // 2. long-term post-only reduce-only sell, ETH-USD, good-til-block-time, paid fee, memo.
  {
    const { quantums, subticks } = qs('ETH-USD', 0.5, 3456.7);
    cases.push({
      name: 'long_term_sell_reduce_only', sequence: 17, fee: PAID_FEE, memo: 'nzeza',
      input: { kind: 'place', market: 'ETH-USD', subaccount_number: 0, client_id: 7,
               order_flags: 64, good_til_block: 0, good_til_block_time: 1767225600, side: 'SELL',
               size: '0.5', price: '3456.7', time_in_force: 'POST_ONLY', reduce_only: true,
               client_metadata: 4 },
      msg: composer.composeMsgPlaceOrder(address, 0, 7, 1, 64, 0, 1767225600,
        Order_Side.SIDE_SELL, quantums, subticks, Order_TimeInForce.TIME_IN_FORCE_POST_ONLY,
        true, 4),
      quantums, subticks,
    });
  }
  // 3. short-term IOC buy on subaccount 128 (multi-byte varint number), ETH-USD.
  {
    const { quantums, subticks } = qs('ETH-USD', 12.345, 2999.9);
    cases.push({
      name: 'short_term_ioc_subaccount_128', sequence: 3, fee: ZERO_FEE, memo: '',
      input: { kind: 'place', market: 'ETH-USD', subaccount_number: 128, client_id: 4294967295,
               order_flags: 0, good_til_block: HEIGHT + 5, good_til_block_time: 0, side: 'BUY',
               size: '12.345', price: '2999.9', time_in_force: 'IOC', reduce_only: false,
               client_metadata: 0 },
      msg: composer.composeMsgPlaceOrder(address, 128, 4294967295, 1, 0, HEIGHT + 5, 0,
        Order_Side.SIDE_BUY, quantums, subticks, Order_TimeInForce.TIME_IN_FORCE_IOC, false, 0),
      quantums, subticks,
    });
  }
  // 4. cancel of the short-term order (good-til-block).
  cases.push({
    name: 'cancel_short_term', sequence: 0, fee: ZERO_FEE, memo: '',
    input: { kind: 'cancel', market: 'BTC-USD', subaccount_number: 0, client_id: 2147483649,
             order_flags: 0, good_til_block: HEIGHT + 15, good_til_block_time: 0 },
    msg: composer.composeMsgCancelOrder(address, 0, 2147483649, 0, 0, HEIGHT + 15, 0),
  });
  // 5. cancel of the long-term order (good-til-block-time).
  cases.push({
    name: 'cancel_long_term', sequence: 18, fee: ZERO_FEE, memo: '',
    input: { kind: 'cancel', market: 'ETH-USD', subaccount_number: 0, client_id: 7,
             order_flags: 64, good_til_block: 0, good_til_block_time: 1767225700 },
    msg: composer.composeMsgCancelOrder(address, 0, 7, 1, 64, 0, 1767225700),
  });

  const vectors = [];
  for (const c of cases) {
    const txRawBytes = await wallet.signTransaction(
      [c.msg],
      { sequence: c.sequence, accountNumber: ACCOUNT_NUMBER, chainId: CHAIN_ID },
      c.fee, c.memo);
    const raw = TxRaw.decode(txRawBytes);
    const signDoc = makeSignDoc(raw.bodyBytes, raw.authInfoBytes, CHAIN_ID, ACCOUNT_NUMBER);
    const signDocBytes = SignDoc.encode(signDoc).finish();
    const v = {
      name: c.name,
      sequence: c.sequence,
      fee: { amount: c.fee.amount, gas_limit: c.fee.gas },
      memo: c.memo,
      order: c.input,
      body_bytes_hex: hex(raw.bodyBytes),
      auth_info_bytes_hex: hex(raw.authInfoBytes),
      sign_doc_hex: hex(signDocBytes),
      sign_doc_sha256_hex: crypto.createHash('sha256').update(signDocBytes).digest('hex'),
      signature_hex: hex(raw.signatures[0]),
      tx_raw_hex: hex(txRawBytes),
    };
    if (c.quantums !== undefined) {
      v.expected_quantums = c.quantums.toString();
      v.expected_subticks = c.subticks.toString();
    }
    vectors.push(v);
  }

  const clientVersion = require(path.join(pkgDir, 'package.json')).version;
  process.stdout.write(JSON.stringify({
    _note: 'Generated by tests/tools/dydx-vectors/generate_vectors.cjs with the official ' +
      `@dydxprotocol/v4-client-js ${clientVersion}, offline. Our own inputs (mnemonic from ` +
      'SHA-256("nzeza dydx golden vectors v1") entropy); not venue fixture data. Regenerate ' +
      'only on purpose: the C++ signer must reproduce every byte.',
    generator: { package: '@dydxprotocol/v4-client-js', version: clientVersion },
    mnemonic,
    address,
    public_key_hex: Buffer.from(wallet.pubKey.value, 'base64').toString('hex'),
    chain_id: CHAIN_ID,
    account_number: ACCOUNT_NUMBER,
    height: HEIGHT,
    markets,
    vectors,
  }, null, 2) + '\n');
}

main().catch((e) => { console.error(e); process.exit(1); });
