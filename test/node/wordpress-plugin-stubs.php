<?php
// Just enough of WordPress for the plugin's files to load and render outside WordPress. Hooks are
// recorded, filters applied in order, options kept in $GLOBALS['wp_options'].
define('ABSPATH', __DIR__ . '/');

$GLOBALS['wp_options'] = array();
$GLOBALS['wp_hooks'] = array();
$GLOBALS['wp_filters'] = array();
$GLOBALS['wp_current_user'] = null;

class WP_User
{
    public $ID = 0;
    public $user_email = '';
    public $user_login = '';
    public $display_name = '';
    public $roles = array();
}

function add_action($hook, $callback) { $GLOBALS['wp_hooks'][$hook][] = $callback; }
function add_filter($hook, $callback, $priority = 10, $args = 1) { $GLOBALS['wp_filters'][$hook][] = array($callback, $args); }
function apply_filters($hook, $value, ...$rest)
{
    foreach ($GLOBALS['wp_filters'][$hook] ?? array() as [$callback, $args]) {
        $value = $callback($value, ...array_slice($rest, 0, $args - 1));
    }
    return $value;
}
function get_option($name, $default = false) { return $GLOBALS['wp_options'][$name] ?? $default; }
function esc_attr($text) { return htmlspecialchars((string) $text, ENT_QUOTES, 'UTF-8'); }
function esc_html($text) { return esc_attr($text); }
function esc_url($url) { return preg_match('#^https?://#', (string) $url) ? esc_attr($url) : ''; }
function esc_url_raw($url) { return (string) $url; }
function is_user_logged_in() { return $GLOBALS['wp_current_user'] !== null; }
function wp_get_current_user() { return $GLOBALS['wp_current_user'] ?? new WP_User(); }
function __($text, $domain = null) { return $text; }
function esc_html__($text, $domain = null) { return esc_html($text); }
function esc_attr__($text, $domain = null) { return esc_attr($text); }
function current_user_can($capability) { return $capability === 'manage_options'; }
function settings_fields($group) { echo '<input type="hidden" name="option_page" value="' . esc_attr($group) . '">'; }
function submit_button() { echo '<button type="submit">Save Changes</button>'; }
