/**
 * The subset of Asterisk's REST Interface (ARI) models and events the connector uses, written from Asterisk's
 * published API description (`rest-api/api-docs/{channels,bridges,events,playbacks,applications}.json`,
 * apiVersion 10 on Asterisk 22). Fields the connector never reads are left out; every event keeps its raw JSON.
 */

/** ARI `CallerID`. */
export interface AriCallerId {
  name: string;
  number: string;
}

/** ARI `DialplanCEP`: where a channel is in the dialplan. */
export interface AriDialplanCep {
  context: string;
  exten: string;
  priority: number;
  app_name?: string;
  app_data?: string;
}

/** ARI channel states (`Channel.state`). */
export type AriChannelState =
  | 'Down'
  | 'Rsrved'
  | 'OffHook'
  | 'Dialing'
  | 'Ring'
  | 'Ringing'
  | 'Up'
  | 'Busy'
  | 'Dialing Offhook'
  | 'Pre-ring'
  | 'Unknown';

/** ARI `Channel`. */
export interface AriChannel {
  id: string;
  name: string;
  state: AriChannelState;
  caller: AriCallerId;
  connected: AriCallerId;
  accountcode: string;
  dialplan: AriDialplanCep;
  creationtime: string;
  language: string;
  protocol_id?: string;
  channelvars?: Record<string, string>;
}

/** ARI `Bridge`. */
export interface AriBridge {
  id: string;
  technology: string;
  bridge_type: 'mixing' | 'holding';
  bridge_class: string;
  creator: string;
  name: string;
  channels: string[];
}

/** ARI `Playback`. */
export interface AriPlayback {
  id: string;
  media_uri: string;
  target_uri: string;
  language: string;
  state: 'queued' | 'playing' | 'continuing' | 'done' | 'failed';
}

/** ARI `AsteriskInfo` (only `system` is read). */
export interface AriAsteriskInfo {
  system?: { version: string; entity_id: string };
}

/** Fields every ARI WebSocket message carries. */
interface AriEventBase {
  application: string;
  timestamp?: string;
  asterisk_id?: string;
}

/** The events the connector handles. */
export type AriEvent =
  | (AriEventBase & { type: 'StasisStart'; args: string[]; channel: AriChannel; replace_channel?: AriChannel })
  | (AriEventBase & { type: 'StasisEnd'; channel: AriChannel })
  | (AriEventBase & { type: 'ChannelStateChange'; channel: AriChannel })
  | (AriEventBase & { type: 'ChannelDestroyed'; channel: AriChannel; cause: number; cause_txt: string })
  | (AriEventBase & { type: 'ChannelHangupRequest'; channel: AriChannel; cause?: number; soft?: boolean })
  | (AriEventBase & {
      type: 'Dial';
      peer: AriChannel;
      caller?: AriChannel;
      dialstatus: string;
      dialstring?: string;
      forward?: string;
    })
  | (AriEventBase & { type: 'PlaybackStarted'; playback: AriPlayback })
  | (AriEventBase & { type: 'PlaybackFinished'; playback: AriPlayback })
  | (AriEventBase & { type: 'ChannelEnteredBridge'; bridge: AriBridge; channel: AriChannel })
  | (AriEventBase & { type: 'ChannelLeftBridge'; bridge: AriBridge; channel: AriChannel })
  | (AriEventBase & { type: 'ApplicationReplaced' });

/** Any ARI message, including types the connector ignores. */
export type AriMessage = AriEvent | (AriEventBase & { type: string; [key: string]: unknown });

/** Query parameters of `POST /channels` (originate). */
export interface AriOriginateParams {
  endpoint: string;
  app?: string;
  appArgs?: string;
  context?: string;
  extension?: string;
  priority?: number;
  callerId?: string;
  /** Seconds to wait for an answer. Asterisk's default is 30. */
  timeout?: number;
  channelId?: string;
  otherChannelId?: string;
  originator?: string;
  formats?: string;
  /** Sent in the JSON body: channel variables to set. */
  variables?: Record<string, string>;
}

/** `reason` of `DELETE /channels/{channelId}`. */
export type AriHangupReason = 'normal' | 'busy' | 'congestion' | 'no_answer' | 'timeout' | 'rejected' | 'unallocated';
